"""Engine settings. SQLite gets foreign keys, WAL and a busy timeout on every connection, and a request
that writes (POST) starts its transaction with BEGIN IMMEDIATE: with the default deferred BEGIN, a
read that later writes cannot wait for the lock and fails with "database is locked" under load."""

from flask import Flask, has_request_context, request
from sqlalchemy import event

from award_app.extensions import db

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun below, by us
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(connection) -> None:
    writing = has_request_context() and request.method in WRITING_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _begin)
