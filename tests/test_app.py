import secrets
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event

from award_app import create_app
from award_app.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def test_no_argument_takes_the_configuration_from_the_environment(monkeypatch):
    monkeypatch.setenv("AWARD_CONFIG", "testing")
    assert create_app().config["TESTING"] is True
    monkeypatch.delenv("AWARD_CONFIG")
    assert create_app().config["AWARD_CONFIG"] == "development"


def test_instance_and_templates_are_the_top_level_folders():
    app = create_app("testing")
    assert Path(app.instance_path) == ROOT / "instance"
    assert Path(app.template_folder) == ROOT / "templates"


def test_development_keeps_its_database_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{ROOT / 'instance' / 'award.db'}"


STRONG_KEY = secrets.token_urlsafe(48)  # drawn per run: no key written in the repository starts production
PUBLIC = "https://giaithuong.example.vn"


@pytest.fixture
def production_env(monkeypatch):
    """What production needs to start: a strong key and its public address; no debugger."""
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("AWARD_INSECURE_COOKIES", raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(production_env):
    production_env.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("key", [" ", "   \t ", "a", "a" * 64, "ab" * 40, "short-but-varied-Key-19",
                                 "dev-only-not-secret", "testing", "abcdefghabcdefghabcdefghabcdefgh",
                                 "0123456789abcdef0123456789abcdef", "changemechangemechangemechangeme12345678",
                                 "abcdefghijklmnopqrstuvwxyz0123456789", uuid.UUID(int=7).hex * 2,
                                 "qwertyuiopasdfghjklzxcvbnm1234567890", "my-super-secret-flask-key-for-production",
                                 "Dev-Only-Not-Secret-2026-production!", "correct horse battery staple correct"])
def test_production_refuses_a_weak_or_published_secret_key(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_a_key_published_in_the_repository_is_refused_however_long(production_env):
    import config

    production_env.setattr(config, "REPOSITORY_KEYS", frozenset({STRONG_KEY}))
    with pytest.raises(RuntimeError, match="published"):
        create_app("production")


def test_production_starts_with_a_generated_key(production_env):
    assert create_app("production").config["SECRET_KEY"] == STRONG_KEY


def test_keys_drawn_at_random_are_never_taken_for_patterns():
    from config import _patterned

    for _ in range(500):
        assert not _patterned(secrets.token_urlsafe(48)) and not _patterned(secrets.token_hex(32))


def test_keys_drawn_at_random_are_never_taken_for_words():
    from config import _guessable

    for _ in range(100):
        assert not _guessable(secrets.token_urlsafe(24)) and not _guessable(secrets.token_hex(32))


@pytest.mark.parametrize("debug", ["1", "true"])
def test_production_refuses_the_debugger(production_env, debug):
    production_env.setenv("FLASK_DEBUG", debug)
    with pytest.raises(RuntimeError, match="debug"):
        create_app("production")


def test_production_refuses_debug_set_in_the_settings(production_env):
    with pytest.raises(RuntimeError, match="debug"):
        create_app({"AWARD_CONFIG": "production", "DEBUG": True})


@pytest.mark.parametrize("setting", [{"DEMO_TOTP_SECRET": "XANHSACHDEPDEMOXANHSACHDEPDEMO22"},
                                     {"DEMO_PASSWORD": "bong-sen-no-ven-ho-tay"}])
def test_production_refuses_the_demos_published_second_factor_and_password(production_env, setting):
    """And a demo account's secret in a production database passes nobody (tests/accounts/test_second_factor.py)."""
    assert create_app("production").config["DEMO_TOTP_SECRET"] is None
    with pytest.raises(RuntimeError, match="demo"):
        create_app({"AWARD_CONFIG": "production", **setting})


def test_production_takes_earlier_keys_but_none_of_this_repository(production_env):
    production_env.setenv("SECRET_KEY_FALLBACKS", f"{secrets.token_urlsafe(48)}, {secrets.token_urlsafe(48)}")
    assert len(create_app("production").config["SECRET_KEY_FALLBACKS"]) == 2
    production_env.setenv("SECRET_KEY_FALLBACKS", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="SECRET_KEY_FALLBACKS"):
        create_app("production")


def test_production_refuses_to_start_without_its_public_address(production_env):
    production_env.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app("production")


@pytest.mark.parametrize("url", ["http://giaithuong.example.vn", "giaithuong.example.vn", "https://",
                                 "https://giaithuong.example.vn/?next=x", "https://user@giaithuong.example.vn",
                                 "https://giaithuong.example.vn:port", "javascript:alert(1)"])
def test_production_refuses_a_public_address_that_is_not_https(production_env, url):
    production_env.setenv("PUBLIC_URL", url)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app("production")


def test_plain_http_only_with_the_benchmark_flag(production_env):
    production_env.setenv("PUBLIC_URL", "http://127.0.0.1:8000/")
    production_env.setenv("AWARD_INSECURE_COOKIES", "1")
    app = create_app("production")
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:8000"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_production_answers_only_its_public_host(production_env):
    app = create_app("production")
    assert app.config["TRUSTED_HOSTS"] == ["giaithuong.example.vn"]
    client = app.test_client()
    assert client.get("/healthz", base_url=PUBLIC).status_code == 200
    forged = client.get("/healthz", base_url=PUBLIC, headers={"Host": "evil.example"})
    assert forged.status_code == 400 and b"evil.example" not in forged.data


def test_behind_the_proxy_x_forwarded_host_is_not_believed(production_env):
    """nginx passes the client's address and scheme; a client's X-Forwarded-Host names nothing."""
    production_env.setenv("TRUSTED_PROXIES", "1")
    app = create_app("production")
    seen = {}

    @app.get("/_host")
    def host():
        from flask import request

        seen.update(host=request.host, scheme=request.scheme, remote=request.remote_addr)
        return "ok"

    response = app.test_client().get("/_host", base_url="http://giaithuong.example.vn", headers={
        "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    assert seen == {"host": "giaithuong.example.vn", "scheme": "https", "remote": "203.0.113.9"}


def test_development_builds_links_from_the_public_url_it_is_given(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "http://127.0.0.1:5001")
    assert create_app("development").config["PUBLIC_URL"] == "http://127.0.0.1:5001"
    monkeypatch.delenv("PUBLIC_URL")
    assert create_app("development").config["PUBLIC_URL"] == "http://127.0.0.1:5000"


def test_production_reads_its_services_from_the_environment(production_env, tmp_path):
    monkeypatch = production_env
    monkeypatch.setenv("DATABASE_URL", "postgresql://award@db.internal/award")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.vn")
    app = create_app("production")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://award@db.internal/award"
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert app.config["MAIL_SERVER"] == "smtp.example.vn"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_reads_the_shared_file_store_from_the_environment(production_env, s3_server):
    from award_app.storage import S3Storage, storage_for

    monkeypatch = production_env
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("S3_PREFIX", "production-test")
    for name, value in s3_server.items():
        monkeypatch.setenv(name, value)
    app = create_app("production")
    storage = storage_for(app)
    assert isinstance(storage, S3Storage) and storage.bucket == s3_server["S3_BUCKET"]
    storage.put_bytes("ab/shared", b"seen by every server")
    assert storage_for(create_app("production")).read("ab/shared") == b"seen by every server"


def test_production_refuses_s3_storage_without_a_bucket(production_env):
    monkeypatch = production_env
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.delenv("S3_BUCKET", raising=False)
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        create_app("production")
    monkeypatch.setenv("STORAGE_BACKEND", "nfs")
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        create_app("production")


def test_production_keeps_files_in_the_upload_folder_by_default(production_env, tmp_path):
    from award_app.storage import LocalStorage, storage_for

    monkeypatch = production_env
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "files"))
    storage = storage_for(create_app("production"))
    assert isinstance(storage, LocalStorage) and storage.root == tmp_path / "files"


def test_an_unknown_configuration_name_is_refused():
    with pytest.raises(RuntimeError, match="AWARD_CONFIG"):
        create_app("staging")


def test_health_check_touches_neither_database_nor_session(app, client):
    statements = []

    def count(*args):
        statements.append(args)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok"
    assert statements == []
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
