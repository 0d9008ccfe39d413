"""`flask --app award_app backup` and `restore`: the database and the uploaded files in one archive.

SQLite is copied with its online backup API (consistent while the app runs); PostgreSQL with
pg_dump / pg_restore (custom format). The archive holds a manifest of row counts and file hashes,
checked again after a restore."""

import hashlib
import json
import shutil
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

bp = Blueprint("backup_cli", __name__, cli_group=None)


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def file_hashes(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file() and not path.name.startswith(".")}


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
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    manifest = {"rows": row_counts(), "files": file_hashes(uploads), "dialect": db.engine.dialect.name}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        _dump_database(work / "database.dump")
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(work / "database.dump", "database.dump")
            tar.add(work / "manifest.json", "manifest.json")
            if uploads.exists():
                tar.add(uploads, "uploads", filter=lambda info: None if Path(info.name).name.startswith(".")
                        else info)
    return manifest


def restore_backup(archive: Path) -> dict:
    """Replace the database and the uploaded files; returns the manifest, checked against the result."""
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        _load_database(work / "database.dump")
        if (work / "uploads").exists():
            shutil.rmtree(uploads, ignore_errors=True)
            shutil.copytree(work / "uploads", uploads)
    problems = []
    if row_counts() != manifest["rows"]:
        problems.append("row counts differ")
    if file_hashes(uploads) != manifest["files"]:
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
