"""`tally db copy` without a database: the canonical rendering behind the checksums, and the workspace rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from metrics.checksums import canonical, render_row
from metrics.copy_scope import CopyRefused, Scope, check_rules, rows_of
from metrics.models import Base

D = Decimal
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (D("12000.10"), D("12000.1")),  # SQLite gives the column's scale, PostgreSQL the stored one
        (D("0.0000"), D("0")),
        (D("1E+3"), D("1000")),
        (datetime(2026, 11, 26, 10, tzinfo=NEW_YORK_WINTER), datetime(2026, 11, 26, 15, tzinfo=UTC)),
        ({"b": [1, {"y": 2, "x": D("1.50")}], "a": None}, {"a": None, "b": [1, {"x": D("1.5"), "y": 2}]}),
    ],
)
def test_the_same_value_renders_the_same_whatever_its_storage(one: Any, other: Any) -> None:
    assert render_row([one]) == render_row([other])


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (True, 1),  # a boolean is not a number
        ("1", 1),
        (None, ""),
        (D("12000.10"), D("12000.11")),
        (datetime(2026, 11, 26, 15, 0, tzinfo=UTC), datetime(2026, 11, 26, 15, 0, 0, 1, tzinfo=UTC)),
        (datetime(2026, 11, 26, 15, 0), datetime(2026, 11, 26, 15, 0, tzinfo=timezone(timedelta(hours=1)))),
        (["a,b"], ["a", "b"]),
    ],
)
def test_different_values_render_differently(one: Any, other: Any) -> None:
    assert render_row([one]) != render_row([other])


def test_rows_render_as_json_in_column_order() -> None:
    row = [7, D("30000.50"), date(2026, 11, 26), time(8, 30), datetime(2026, 11, 26, 15, 0, tzinfo=UTC), False, None]
    assert render_row(row) == '[7,"30000.5","2026-11-26","08:30:00","2026-11-26T15:00:00+00:00",false,null]'
    with pytest.raises(TypeError, match="no canonical rendering for object"):
        canonical(object())


def test_every_table_of_the_models_has_a_workspace_rule() -> None:
    check_rules(Base.metadata.sorted_tables)  # raises, naming the tables, otherwise


def test_the_rules_pick_a_workspace_s_rows_by_id_or_by_its_slack_team() -> None:
    metadata = MetaData()
    workspace_table = Base.metadata.tables["workspace"]
    installations = Table(
        "slack_installations", metadata, Column("id", Integer, primary_key=True), Column("team_id", String)
    )
    states = Table("slack_oauth_states", metadata, Column("id", Integer, primary_key=True))
    gadgets = Table("gadgets", metadata, Column("id", Integer, primary_key=True))
    scope = Scope(3, "T0ACME", "workspace T0ACME")
    rendered = {
        table.name: str(rows_of(table, scope).compile(compile_kwargs={"literal_binds": True}))  # type: ignore[union-attr]
        for table in (workspace_table, Base.metadata.tables["entry"], installations, states)
    }
    assert rendered == {
        "workspace": "workspace.id = 3",
        "entry": "entry.workspace_id = 3",
        "slack_installations": "slack_installations.team_id = 'T0ACME'",
        "slack_oauth_states": "false",
    }
    assert rows_of(gadgets, Scope()) is None  # a full copy takes every row of any table
    with pytest.raises(CopyRefused, match="which rows of gadgets belong"):
        check_rules([workspace_table, gadgets])
