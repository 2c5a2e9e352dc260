"""Alembic environment: migrates the connection Tally hands over, or DATABASE_URL when run as `alembic`."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, text

from metrics.db import make_engine
from metrics.models import Base

# Any constant: every process migrating one PostgreSQL database queues on this lock, so two workers starting
# at once do not both try to create the same tables.
MIGRATION_LOCK_ID = 7_305_119


def run_migrations(connection: Connection) -> None:
    """Run the pending migrations on `connection` inside one transaction."""
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()


def main() -> None:
    """Entry point Alembic calls."""
    given = context.config.attributes.get("connection")
    if given is not None:
        run_migrations(given)
        return
    url = os.environ.get("DATABASE_URL", "sqlite:///tally.db")
    engine = make_engine(url)
    with engine.begin() as connection:
        run_migrations(connection)
    engine.dispose()


main()
