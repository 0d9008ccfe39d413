"""Engine settings. SQLite gets foreign keys, WAL and a busy timeout on every connection, and a request
that writes (POST) starts its transaction with BEGIN IMMEDIATE: with the default deferred BEGIN, a
read that later writes cannot wait for the lock and fails with "database is locked" under load. Work run
outside a request (a job in a background thread, an RQ worker) asks for the same with `begin_immediately()`:
it reads, then writes its progress."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g, has_app_context, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import StaticPool

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


def begin_immediately() -> None:
    """Every SQLite transaction of this app context starts with BEGIN IMMEDIATE, as a POST's does."""
    g.award_begin_immediate = True


@contextmanager
def beside_the_request() -> Iterator[OrmSession | None]:
    """A small write a request makes whatever its method (a session's last visit, its end). A GET's is
    committed at once on a connection of its own, begun with BEGIN IMMEDIATE on SQLite: the GET's read
    transaction never turns into a write (which SQLite may refuse at once with "database is locked") and the
    request's session is not committed. A POST's joins the request's own transaction, which already holds
    the write lock (a second writer would wait for it in vain): it is committed with the request. Yields None
    for a GET on an in-memory SQLite database, whose single connection is the request's own: the write is
    then skipped."""
    if _writing():
        yield db.session
        return
    engine = db.engine
    if isinstance(engine.pool, StaticPool):
        yield None
        return
    with engine.connect() as connection:
        connection.info["award_begin_immediate"] = True
        try:
            with OrmSession(bind=connection) as session, session.begin():
                yield session
        finally:
            connection.info.pop("award_begin_immediate", None)


def _writing() -> bool:
    if has_request_context() and request.method in WRITING_METHODS:
        return True
    return has_app_context() and g.get("award_begin_immediate", False)


def _begin(connection) -> None:
    immediate = _writing() or connection.info.get("award_begin_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _mark_written(session, _flush_context) -> None:
    session.info["award_wrote"] = True


def _forget_written(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("award_wrote", None)


event.listen(Session, "after_flush", _mark_written)
event.listen(Session, "after_transaction_end", _forget_written)


def end_idle_transaction() -> bool:
    """End the session's transaction if it has written nothing, so that slow work that follows holds no lock.

    On SQLite a writing request's transaction is BEGIN IMMEDIATE from its first statement, even a read: scrypt
    (PASSWORD_HASH_METHOD, tens of milliseconds by design) inside it kept every other writer waiting, and
    24 sign-ins at once ended in "database is locked". The next statement begins a new transaction (BEGIN
    IMMEDIATE again for a POST); objects read so far are expired and read again there. False, and nothing
    ends, when something is already written or pending (a caller that writes, then hashes)."""
    session = db.session()
    if session.new or session.dirty or session.deleted or session.info.get("award_wrote"):
        return False
    if session.in_transaction():
        session.rollback()
    return True


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _begin)
