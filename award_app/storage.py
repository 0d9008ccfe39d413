"""Where files live: a local folder (`UPLOAD_FOLDER`) or an S3-compatible bucket, behind one interface, so
that several app servers can share the file store.

A key is a relative path such as `ab/ab12…` (a file named by its SHA-256) or `thumbnails/ab12….jpg`.
A file appears under its key only when it is complete: it is written to a staging file first (flushed
and fsynced), then renamed into place (local) or uploaded in one request (S3, where an object is never
visible half-written). Downloads always pass through the application: an attachment with `nosniff`,
never a link into the bucket."""

import hashlib
import os
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from flask import Flask, Response, current_app, send_file
from werkzeug.exceptions import NotFound

CHUNK = 1024 * 1024
# Spooled in memory up to this size when an object is fetched from S3, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024
KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")


def content_key(sha256: str) -> str:
    """The key of a file named by its content: `<sha[:2]>/<sha>`."""
    return f"{sha256[:2]}/{sha256}"


def check_key(key: str) -> str:
    """Keys are made by the server; a key with `..`, an absolute path or a hidden part is refused."""
    if not KEY.fullmatch(key or "") or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Staged:
    """A file being written; `keep(key)` makes it appear under `key`, otherwise it is removed."""

    def __init__(self, storage: "Storage", directory: Path | None):
        handle, name = tempfile.mkstemp(dir=directory, prefix=".upload-")
        self.path = Path(name)
        self.file: BinaryIO = os.fdopen(handle, "wb")
        self._storage = storage

    def write(self, data: bytes) -> None:
        self.file.write(data)

    def finish(self) -> None:
        """Everything written is on disk (flushed, fsynced); the staging file can now be read by path."""
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()

    def keep(self, key: str) -> None:
        self.finish()
        self._storage._keep_staged(self.path, check_key(key))

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        self.path.unlink(missing_ok=True)


class Storage(ABC):
    """The interface; `LocalStorage` and `S3Storage` implement it."""

    staging_directory: Path | None = None

    @contextmanager
    def staging(self) -> Iterator[Staged]:
        """A staging file to write and check before it is kept; nothing is left behind on any failure."""
        staged = Staged(self, self.staging_directory)
        try:
            yield staged
        finally:
            staged.discard()

    def put_bytes(self, key: str, body: bytes) -> None:
        with self.staging() as staged:
            staged.write(body)
            staged.keep(key)

    def put(self, key: str, stream: BinaryIO) -> None:
        with self.staging() as staged:
            while chunk := stream.read(CHUNK):
                staged.write(chunk)
            staged.keep(key)

    def put_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Keep the stream under its content key; returns (sha256, size). Stored once however often sent."""
        digest, size = hashlib.sha256(), 0
        with self.staging() as staged:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                staged.write(chunk)
            sha = digest.hexdigest()
            if not self.exists(content_key(sha)):
                staged.keep(content_key(sha))
        return sha, size

    def put_content(self, body: bytes) -> str:
        """Keep bytes under their content key; returns the SHA-256."""
        sha = hashlib.sha256(body).hexdigest()
        if not self.exists(content_key(sha)):
            self.put_bytes(content_key(sha), body)
        return sha

    def read(self, key: str) -> bytes:
        with self.open(key) as file:
            return file.read()

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A seekable binary file; raises FileNotFoundError for a missing key."""
        ...

    @abstractmethod
    def exists(self, key: str) -> bool:
        ...

    @abstractmethod
    def size(self, key: str) -> int:
        ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Removes the key; a missing key is not an error."""
        ...

    @abstractmethod
    def list_keys(self) -> Iterator[str]:
        """Every kept key, sorted; staging files are not keys."""
        ...

    @abstractmethod
    def send(self, key: str, *, mimetype: str, download_name: str | None = None, as_attachment: bool = True,
             max_age: int | None = None) -> Response:
        """The file as a response (404 when missing); an attachment unless a view serves a re-encoded image."""
        ...

    @abstractmethod
    def _keep_staged(self, path: Path, key: str) -> None:
        ...


def _nosniff(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class LocalStorage(Storage):
    """Files under one folder; staging files live in the same folder so that the rename is atomic."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    @property
    def staging_directory(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _keep_staged(self, path: Path, key: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a crash
        finally:
            os.close(directory)

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def list_keys(self) -> Iterator[str]:
        if not self.root.exists():
            return iter(())
        found = (path.relative_to(self.root).as_posix() for path in self.root.rglob("*") if path.is_file())
        return iter(sorted(key for key in found if not any(part.startswith(".") for part in key.split("/"))))

    def send(self, key: str, *, mimetype: str, download_name: str | None = None, as_attachment: bool = True,
             max_age: int | None = None) -> Response:
        path = self.path(key)
        if not path.is_file():
            raise NotFound()
        return _nosniff(send_file(path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name,
                                  max_age=max_age))


class S3Storage(Storage):
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph …) under an optional prefix. The bucket stays
    private: every download is streamed through the application."""

    def __init__(self, client, bucket: str, prefix: str = "", staging_directory: Path | None = None):
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.staging_directory = staging_directory

    @classmethod
    def from_settings(cls, *, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                      access_key_id: str | None = None, secret_access_key: str | None = None,
                      prefix: str = "") -> "S3Storage":
        import boto3
        from botocore.config import Config

        # Path-style addressing works with every S3-compatible server, virtual hosts only with some.
        config = Config(s3={"addressing_style": "path"} if endpoint_url else {}, retries={"mode": "standard"})
        client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key_id or None, aws_secret_access_key=secret_access_key or None, config=config)
        return cls(client, bucket, prefix)

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _missing(self, error) -> bool:
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")

    def _head(self, key: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                return None
            raise

    def _get(self, key: str) -> dict:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from error
            raise

    def _keep_staged(self, path: Path, key: str) -> None:
        with path.open("rb") as body:
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=body)

    def open(self, key: str) -> BinaryIO:
        body = self._get(key)["Body"]
        copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned to the caller
        try:
            shutil.copyfileobj(body, copy, CHUNK)
        finally:
            body.close()
        copy.seek(0)
        return copy

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return head["ContentLength"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def list_keys(self) -> Iterator[str]:
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            found.extend(item["Key"][len(self.prefix):] for item in page.get("Contents", []))
        return iter(sorted(found))

    def send(self, key: str, *, mimetype: str, download_name: str | None = None, as_attachment: bool = True,
             max_age: int | None = None) -> Response:
        try:
            found = self._get(key)
        except FileNotFoundError:
            raise NotFound() from None
        response = send_file(found["Body"], mimetype=mimetype, as_attachment=as_attachment,
                             download_name=download_name or key.rsplit("/", 1)[-1], max_age=max_age, conditional=False)
        response.content_length = found["ContentLength"]
        return _nosniff(response)


def storage_from_config(config) -> Storage:
    backend = config.get("STORAGE_BACKEND", "local")
    if backend == "local":
        return LocalStorage(config["UPLOAD_FOLDER"])
    if backend == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET.")
        return S3Storage.from_settings(
            bucket=config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
            access_key_id=config.get("S3_ACCESS_KEY_ID"), secret_access_key=config.get("S3_SECRET_ACCESS_KEY"),
            prefix=config.get("S3_PREFIX") or "")
    raise RuntimeError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}")


SETTINGS = ("STORAGE_BACKEND", "UPLOAD_FOLDER", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY", "S3_PREFIX")


def storage_for(app: Flask) -> Storage:
    """The app's storage, built once for its settings (and again if a setting changes, as tests do)."""
    settings = tuple(app.config.get(name) for name in SETTINGS)
    cached = app.extensions.get("award_storage")
    if cached is None or cached[0] != settings:
        cached = (settings, storage_from_config(app.config))
        app.extensions["award_storage"] = cached
    return cached[1]


def current_storage() -> Storage:
    return storage_for(current_app)
