"""A password is hashed (scrypt, slow on purpose) with no write lock held on the database: on SQLite a sign-in
that hashed inside its BEGIN IMMEDIATE kept every other writer waiting, and 24 sign-ins at once gave
"database is locked". Each scrypt call made during a request here checks, from a connection of its own, that
the write lock is free at that moment."""

import hashlib
import sqlite3

import pytest
from sqlalchemy.engine import make_url

from award_app.accounts import services
from award_app.accounts.models import User
from award_app.extensions import db
from tests.helpers import PASSWORD, csrf_token, login, submit

NEW_PASSWORD = "another-horse-77"


def _write_lock_is_free(path: str) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # "database is locked": a writer holds it
        return False
    finally:
        probe.close()


@pytest.fixture
def hashing(app, monkeypatch):
    """Real scrypt (as in production, at a lower cost) whose every call notes whether the write lock was free."""
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if database.get_backend_name() != "sqlite":
        pytest.skip("the write lock is SQLite's")
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"
    lock_free_at_each_hash: list[bool] = []
    real_scrypt = hashlib.scrypt

    def noting_scrypt(*args, **kwargs):
        lock_free_at_each_hash.append(_write_lock_is_free(database.database))
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", noting_scrypt)
    return lock_free_at_each_hash


def _user(email: str = "thu@monre.gov.vn") -> User:
    user = services.create_staff_account(email=email, password=PASSWORD, full_name="Nguyễn Văn Thử",
                                         organisation="Bộ", roles=set())
    db.session.commit()
    return user


def test_a_sign_in_hashes_with_no_write_lock_held(client, hashing):
    user = _user()
    hashing.clear()
    assert submit(client, "/accounts/login", {"email": user.email, "password": "wrong-password"}).status_code == 200
    assert submit(client, "/accounts/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    assert hashing == [True, True]


def test_a_registration_hashes_with_no_write_lock_held(client, hashing):
    form = {"full_name": "Đỗ Thị Thanh Hương", "email": "truong@example.vn", "applicant_kind": "school",
            "organisation": "Trường THCS Nguyễn Trãi", "province_id": "ha-noi-34", "phone": "",
            "password": PASSWORD, "confirm": PASSWORD, "consent": "y"}
    assert submit(client, "/accounts/register", form).status_code == 302
    assert hashing == [True]
    assert services.find_user_by_email("truong@example.vn").check_password(PASSWORD)


def test_a_password_change_and_a_reset_hash_with_no_write_lock_held(client, hashing):
    user = _user()
    login(client, user)
    hashing.clear()
    response = submit(client, "/accounts/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert hashing == [True, True]
    hashing.clear()
    reset_client = client.application.test_client()
    url = f"/accounts/reset/{services.reset_token(db.session.get(User, user.id))}"
    response = reset_client.post(url, data={"password": PASSWORD, "confirm": PASSWORD,
                                            "csrf_token": csrf_token(reset_client, url)})
    assert response.status_code == 302
    assert hashing == [True]


def test_a_password_changed_while_the_new_one_was_hashed_is_not_overwritten(app, monkeypatch):
    """The same reset link used twice at once: the second change finds the password it replaces gone."""
    user = _user()
    user_id, real_scrypt = user.id, hashlib.scrypt
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"

    def meanwhile_changed(*args, **kwargs):
        with app.app_context():  # another request, its own session
            other = db.session.get(User, user_id)
            other.password_hash = "changed-meanwhile"
            db.session.commit()
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", meanwhile_changed)
    with pytest.raises(Exception, match="the password changed"):
        user.set_password(NEW_PASSWORD)
    db.session.rollback()
    assert db.session.get(User, user_id).password_hash == "changed-meanwhile"


@pytest.mark.parametrize("flushed", [True, False])
def test_a_password_set_after_a_write_in_the_same_transaction_keeps_the_write(app, flushed):
    """Nothing is rolled back to hash outside the lock once something is written (flushed or pending)."""
    user = _user()
    user.full_name = "Tên Đã Ghi"
    if flushed:
        db.session.flush()
    user.set_password(NEW_PASSWORD)
    db.session.commit()
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.full_name == "Tên Đã Ghi" and user.check_password(NEW_PASSWORD)
