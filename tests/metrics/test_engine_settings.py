"""The production engine settings: PostgreSQL gets a statement timeout, a pool and pre-ping; SQLite gets WAL."""

from __future__ import annotations

from sqlalchemy import text

from metrics import db


def test_engine_settings_for_each_backend(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                assert connection.execute(text("SHOW statement_timeout")).scalar() == "30s"
                assert engine.pool.size() == db.POSTGRES_POOL_SIZE  # type: ignore[attr-defined]
                assert engine.pool._pre_ping  # type: ignore[attr-defined]
            else:
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()
