"""Alembic: the migrations build exactly the models' schema, and go down and up again, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from metrics import db
from metrics.models import Base
from tests.conftest import scratch_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with no tables at all (PostgreSQL: a database made for this test)."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    with scratch_postgres_database("tally_migrations") as url:
        engine = db.make_engine(url)
        yield engine
        engine.dispose()


def schema_drift(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_upgrade_builds_exactly_the_models(empty_engine: Engine) -> None:
    db.upgrade(empty_engine)
    assert db.current_revision(empty_engine) == db.head_revision()
    assert schema_drift(empty_engine) == []


def test_downgrade_to_base_and_up_again(empty_engine: Engine) -> None:
    db.upgrade(empty_engine)
    db.downgrade(empty_engine, "base")
    assert db.current_revision(empty_engine) is None
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(empty_engine)
    assert schema_drift(empty_engine) == []


def test_upgrading_an_up_to_date_database_changes_nothing(empty_engine: Engine) -> None:
    db.upgrade(empty_engine)
    db.upgrade(empty_engine)
    assert db.current_revision(empty_engine) == db.head_revision()


def test_0003_gives_existing_workspaces_the_lagging_metrics(empty_engine: Engine) -> None:
    db.upgrade(empty_engine, "0002")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspace (platform, external_id, name, timezone, week_start, backdate_days, settings,"
                " created_at) VALUES ('slack', 'T1', '', 'UTC', 0, 7, '{}', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO metric_def (workspace_id, key, label, unit, aliases, points_per_unit, daily_cap, kind,"
                " position) SELECT id, 'dials', 'dials', 'dial', '[]', 1, 500, 'leading', 0 FROM workspace"
            )
        )
    db.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        keys = connection.execute(text("SELECT key, kind, position FROM metric_def ORDER BY position")).all()
    assert [tuple(row) for row in keys] == [("dials", "leading", 0), ("revenue", "lagging", 8), ("deals", "lagging", 9)]
    db.downgrade(empty_engine, "0002")
    db.upgrade(empty_engine)
