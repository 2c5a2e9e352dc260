"""Engines and sessions. Nothing is built at import time: the composition root calls these.

SQLite gets WAL (readers never block the writer), foreign keys (off by default in SQLite), a generous busy
timeout, and `BEGIN IMMEDIATE` transactions: with pysqlite's default deferred transactions a reader that later
writes can fail at once with "database is locked" instead of waiting its turn; taking the write lock up front
makes concurrent requests queue politely behind the busy timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_S = 30
# PostgreSQL: a statement running longer than this is cancelled rather than holding a connection and its locks
# for ever (the longest statements, a fan-out's bulk insert or a year's standings, take well under a second).
POSTGRES_STATEMENT_TIMEOUT_MS = 30_000
# Per process: gunicorn's request threads ack without the database; listeners and jobs share this pool.
POSTGRES_POOL_SIZE = 10
MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url` with Tally's settings for its backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)  # a restarted server's dead connections are replaced, not used
        if "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", POSTGRES_POOL_SIZE)
            kwargs.setdefault("max_overflow", POSTGRES_POOL_SIZE)
        kwargs.setdefault("connect_args", {"options": f"-c statement_timeout={POSTGRES_STATEMENT_TIMEOUT_MS}"})
        return create_engine(url, **kwargs)
    in_memory = parsed.database in (None, "", ":memory:")
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    if in_memory:
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect if not in_memory else _sqlite_on_connect_memory)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (results outlive their transaction)."""
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema at `engine` up to `revision` (default: the newest)."""
    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema at `engine` down to `revision` ("base" removes every table)."""
    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    """Run a migration in one transaction.

    On SQLite, Alembic alters a table by copying it, dropping the old one and renaming the copy; with foreign
    keys enforced, dropping a table others point at fails. SQLite's documented recipe is to switch enforcement
    off for the migration (it can only be switched outside a transaction) and check every key afterwards.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _driver(connection).execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                run(_alembic_config(connection))
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("the migration left a foreign key pointing at nothing; rolled back")
        finally:
            if sqlite:
                _driver(connection).execute("PRAGMA foreign_keys=ON")


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """Return the newest revision this version of Tally knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def _alembic_config(connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    _sqlite_on_connect_memory(dbapi_connection, _record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_connect_memory(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy (see _sqlite_begin_immediate); pysqlite's own is deferred.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Collect every SQL statement `engine` sends while the block runs (to check work is set-based: the same
    statements for 3 reps as for 1,000)."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
