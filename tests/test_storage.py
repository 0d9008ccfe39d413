"""The file store's one interface, run the same against a local folder and an S3 bucket reached over HTTP
(moto's server on 127.0.0.1)."""

import hashlib
import io
import uuid

import pytest
from flask import Flask

from award_app.storage import LocalStorage, S3Storage, content_key, storage_for

BODY = b"%PDF-1.4\n" + bytes(range(256)) * 40


def s3_storage(settings: dict, prefix: str) -> S3Storage:
    return S3Storage.from_settings(
        bucket=settings["S3_BUCKET"], endpoint_url=settings["S3_ENDPOINT_URL"], region=settings["S3_REGION"],
        access_key_id=settings["S3_ACCESS_KEY_ID"], secret_access_key=settings["S3_SECRET_ACCESS_KEY"],
        prefix=prefix)


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    return s3_storage(request.getfixturevalue("s3_server"), f"interface-{uuid.uuid4().hex}")


def test_bytes_put_under_a_key_read_back_the_same(storage):
    storage.put_bytes("ab/one", BODY)
    assert storage.exists("ab/one") and storage.size("ab/one") == len(BODY)
    assert storage.read("ab/one") == BODY
    with storage.open("ab/one") as file:
        file.seek(9)
        assert file.read(3) == bytes(range(3))


def test_a_stream_is_kept_once_under_its_content_key(storage):
    sha, size = storage.put_stream(io.BytesIO(BODY))
    again = storage.put_stream(io.BytesIO(BODY))
    assert sha == hashlib.sha256(BODY).hexdigest() and size == len(BODY) and again == (sha, size)
    assert storage.put_content(BODY) == sha
    assert list(storage.list_keys()) == [f"{sha[:2]}/{sha}"] == [content_key(sha)]
    assert storage.read(content_key(sha)) == BODY


def test_keys_are_listed_sorted_and_deleted(storage):
    for key in ("thumbnails/c.jpg", "b2/b2ff", "0a/0a00"):
        storage.put_bytes(key, key.encode())
    assert list(storage.list_keys()) == ["0a/0a00", "b2/b2ff", "thumbnails/c.jpg"]
    storage.delete("b2/b2ff")
    storage.delete("b2/b2ff")  # a missing key is no error
    assert list(storage.list_keys()) == ["0a/0a00", "thumbnails/c.jpg"]
    assert not storage.exists("b2/b2ff")


def test_a_file_being_written_is_no_key_and_a_failed_write_leaves_nothing(storage):
    with pytest.raises(ConnectionResetError), storage.staging() as staged:
        staged.write(BODY[:100])
        assert list(storage.list_keys()) == []
        raise ConnectionResetError("the client went away")
    assert list(storage.list_keys()) == []
    if isinstance(storage, LocalStorage):
        assert [p for p in storage.root.rglob("*") if p.is_file()] == []


def test_a_staged_file_appears_whole_when_kept(storage):
    with storage.staging() as staged:
        staged.write(BODY[:10])
        staged.write(BODY[10:])
        staged.finish()
        assert staged.path.read_bytes() == BODY  # checks (zip bombs, types) may read it by path first
        staged.keep("cd/whole")
    assert storage.read("cd/whole") == BODY


def test_a_missing_key_is_file_not_found(storage):
    assert not storage.exists("ee/missing")
    with pytest.raises(FileNotFoundError):
        storage.open("ee/missing")
    with pytest.raises(FileNotFoundError):
        storage.size("ee/missing")


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "ab/../../x", ".upload-x", "ab/.hidden", "", "a//b",
                                 "ab\\cd"])
def test_a_key_the_server_did_not_make_is_refused(storage, key):
    with pytest.raises(ValueError):
        storage.put_bytes(key, b"x")
    with pytest.raises(ValueError):
        storage.exists(key)


def _served(storage, **kwargs):
    app = Flask(__name__)

    @app.route("/<path:key>")
    def serve(key):
        return storage.send(key, **kwargs)

    return app.test_client()


def test_a_file_is_sent_through_the_app_as_an_attachment_with_nosniff(storage):
    storage.put_bytes("ab/doc", BODY)
    with _served(storage, mimetype="application/pdf", download_name="Hồ sơ.pdf").get("/ab/doc") as response:
        assert response.status_code == 200 and response.get_data() == BODY
        assert response.mimetype == "application/pdf" and response.headers["Content-Length"] == str(len(BODY))
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''H%E1%BB%93%20s%C6%A1.pdf" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Location" not in response.headers  # never a redirect to the bucket


def test_a_missing_file_is_not_found_when_sent(storage):
    assert _served(storage, mimetype="application/pdf", download_name="x.pdf").get("/ab/none").status_code == 404


def test_a_server_made_image_can_be_sent_inline(storage):
    storage.put_bytes("thumbnails/t.jpg", b"\xff\xd8\xff thumbnail")
    client = _served(storage, mimetype="image/jpeg", as_attachment=False, max_age=3600)
    with client.get("/thumbnails/t.jpg") as response:
        assert response.get_data() == b"\xff\xd8\xff thumbnail" and response.mimetype == "image/jpeg"
        assert not response.headers.get("Content-Disposition", "").startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_prefixes_keep_two_stores_in_one_bucket_apart(s3_server):
    first, second = (s3_storage(s3_server, f"{name}-{uuid.uuid4().hex}") for name in ("first", "second"))
    first.put_bytes("ab/one", b"1")
    assert list(second.list_keys()) == [] and not second.exists("ab/one")
    assert list(first.list_keys()) == ["ab/one"]


def test_the_configured_backend_is_built_from_the_settings(tmp_path, s3_server):
    app = Flask(__name__)
    app.config.update(STORAGE_BACKEND="local", UPLOAD_FOLDER=str(tmp_path / "u"))
    local = storage_for(app)
    assert isinstance(local, LocalStorage) and local.root == tmp_path / "u" and storage_for(app) is local
    app.config.update(STORAGE_BACKEND="s3", S3_PREFIX="configured", **s3_server)
    remote = storage_for(app)
    assert isinstance(remote, S3Storage) and remote.bucket == s3_server["S3_BUCKET"]
    remote.put_bytes("ab/x", b"x")
    assert s3_storage(s3_server, "configured").read("ab/x") == b"x"
    app.config.update(STORAGE_BACKEND="ftp")
    with pytest.raises(RuntimeError):
        storage_for(app)
