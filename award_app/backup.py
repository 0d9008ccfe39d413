"""`flask --app award_app backup` and `restore`: the database and the uploaded files in one archive.

SQLite is copied with its online backup API (consistent while the app runs); PostgreSQL with
pg_dump / pg_restore (custom format). The files come from the configured file store (a folder or an
S3 bucket) and go back into it, each under `uploads/<key>` in the archive, whichever store made it.
The archive holds a manifest of row counts and file hashes, checked again after a restore."""

import hashlib
import io
import json
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import click
from flask import Blueprint, current_app
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from award_app.extensions import db
from award_app.storage import CHUNK, Storage, current_storage

bp = Blueprint("backup_cli", __name__, cli_group=None)


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _sha256(file) -> str:
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def file_hashes(storage: Storage) -> dict[str, str]:
    """Every key of the file store with the SHA-256 of its content."""
    hashes = {}
    for key in storage.list_keys():
        with storage.open(key) as file:
            hashes[key] = _sha256(file)
    return hashes


def _archive_files(storage: Storage, tar: tarfile.TarFile) -> dict[str, str]:
    """Copy every file into the archive under uploads/<key>; returns their hashes as read."""
    hashes = {}
    for key in storage.list_keys():
        with storage.open(key) as file:
            hashes[key] = _sha256(file)
            info = tarfile.TarInfo(f"uploads/{key}")
            info.size, info.mode = file.tell(), 0o644
            file.seek(0)
            tar.addfile(info, file)
    return hashes


def _restore_files(storage: Storage, folder: Path) -> None:
    """Make the store hold exactly the archived files."""
    archived = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*")
                if path.is_file() and not path.name.startswith(".")} if folder.exists() else {}
    for key in storage.list_keys():
        if key not in archived:
            storage.delete(key)
    for key, path in sorted(archived.items()):
        with path.open("rb") as file:
            storage.put(key, file)


def _pg_url() -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _dump_database(target: Path) -> None:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(engine.url.database)
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
    else:
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _pg_url()], check=True)


def _load_database(source: Path) -> None:
    engine = db.engine
    db.session.remove()
    engine.dispose()
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as dump, sqlite3.connect(engine.url.database) as live:
            dump.backup(live)
    else:
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--dbname={_pg_url()}", str(source)], check=True)


def make_backup(archive: Path) -> dict:
    manifest = {"rows": row_counts(), "dialect": db.engine.dialect.name}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        _dump_database(work / "database.dump")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(work / "database.dump", "database.dump")
            manifest["files"] = _archive_files(current_storage(), tar)
            body = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode = len(body), 0o644
            tar.addfile(info, io.BytesIO(body))
    return manifest


def restore_backup(archive: Path) -> dict:
    """Replace the database and the uploaded files; returns the manifest, checked against the result."""
    storage = current_storage()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        _load_database(work / "database.dump")
        _restore_files(storage, work / "uploads")
    problems = []
    if row_counts() != manifest["rows"]:
        problems.append("row counts differ")
    if file_hashes(storage) != manifest["files"]:
        problems.append("file hashes differ")
    if problems:
        raise click.ClickException("restore check failed: " + ", ".join(problems))
    return manifest


@bp.cli.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(archive: Path) -> None:
    """Write the database and the uploaded files to ARCHIVE (.tar.gz)."""
    manifest = make_backup(archive)
    click.echo(f"Backup written to {archive}: {sum(manifest['rows'].values())} rows, {len(manifest['files'])} files.")


@bp.cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database and the uploaded files with ARCHIVE's, then check counts and hashes."""
    if not yes:
        click.confirm("This replaces the current database and files. Continue?", abort=True)
    manifest = restore_backup(archive)
    click.echo(f"Restored and checked: {sum(manifest['rows'].values())} rows, {len(manifest['files'])} files.")
