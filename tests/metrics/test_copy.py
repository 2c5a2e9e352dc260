"""`tally db copy`'s core: a SQLite database built through Tally's services, copied to a fresh PostgreSQL database.

Every test needs PostgreSQL (each gets a database of its own) and is skipped with a reason without it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, delete, func, inspect, select, text, update

from bot.playground.fake_slack import FakeSlack
from metrics import db
from metrics.copy import check_copy, copy_database
from metrics.copy_scope import SHARED, CopyRefused
from metrics.deal_records import Audience, GroupBy
from metrics.models import Base, Deal, Entry, Pto, Rep, Team, Workspace
from metrics.periods import PeriodKind, all_time, period_containing
from metrics.records import RepContext
from metrics.services import kpi_cards, reports, scorecards, standings
from tests.conftest import postgres_url_or_skip, scratch_postgres_database
from tests.copy_office import COPIED, OTHER, build_two_workspaces, installation, installations
from tests.factories import T0, log, make_rep

pytestmark = pytest.mark.postgresql
Offices = dict[str, dict[str, RepContext]]
EVERY_TABLE_NOW = {table.name for table in Base.metadata.sorted_tables}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> tuple[Path, Offices]:
    """The source database, built once per module (each test copies the file)."""
    postgres_url_or_skip()  # before the minutes of building, not after
    path = tmp_path_factory.mktemp("copy") / "source.db"
    shutil.copy(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    with FakeSlack() as fake:
        offices = build_two_workspaces(db.make_sessionmaker(engine), fake)
    engine.dispose()
    return path, offices


@pytest.fixture
def offices(built: tuple[Path, Offices]) -> Offices:
    return built[1]


@pytest.fixture
def source(built: tuple[Path, Offices], tmp_path: Path) -> Iterator[Engine]:
    shutil.copy(built[0], tmp_path / "source.db")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def target() -> Iterator[Engine]:
    with scratch_postgres_database("tally_copy") as url:
        engine = db.make_engine(url)
        yield engine
        engine.dispose()


def numbers(engine: Engine, people: dict[str, RepContext]) -> dict[str, Any]:
    """What the metrics services say about a workspace: every card, board and KPI a person could ask for."""
    ann, quarter = people["Ann"], period_containing("quarter", date(2026, 11, 26))
    found: dict[str, Any] = {}
    with db.make_sessionmaker(engine).begin() as session:
        for name, rep in people.items():
            for window in (PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH):
                card = scorecards.scorecard(session, asker=ann, now=T0, rep_id=rep.rep_id, window=window)
                found[f"scorecard {name} {window}"] = card
        for manager in ("Dee", "Eve"):
            for ranked_by in ("score", "points", "dials"):
                board = standings.standings(session, asker=people[manager], now=T0, ranked_by=ranked_by)
                found[f"standings {manager} {ranked_by}"] = board
        found["kpis"] = kpi_cards.kpi_card(session, asker=ann, audience=Audience.EVERYONE, period=quarter, now=T0)
        for group in GroupBy:
            report = reports.kpi_report(
                session, workspace_id=ann.workspace_id, period=all_time(), group_by=group, as_of=T0.date()
            )
            found[f"report {group}"] = report
    return found


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        tables = Base.metadata.sorted_tables
        return {table.name: connection.scalar(select(func.count()).select_from(table)) or 0 for table in tables}


def test_one_workspace_is_copied_losslessly_and_counts_the_same(
    source: Engine, target: Engine, offices: Offices
) -> None:
    report = copy_database(source, target, workspace=COPIED, batch=7)  # small batches: many round trips
    assert report.committed and report.ok and report.scope == f"workspace {COPIED} (Acme Sales)"
    assert {check.table for check in report.checks} == EVERY_TABLE_NOW
    # The history fills every table (but OAuth states, which belong to no workspace).
    assert [check.table for check in report.checks if check.source_rows == 0 and check.table not in SHARED] == []
    # Nothing of the other workspace came along: every row in the target is one the comparison counted.
    assert row_counts(target) == {check.table: check.target_rows for check in report.checks}
    with target.connect() as connection:
        assert connection.scalars(select(Workspace.external_id)).all() == [COPIED]
    assert numbers(target, offices[COPIED]) == numbers(source, offices[COPIED])


def test_new_rows_after_a_copy_get_fresh_ids(source: Engine, target: Engine, offices: Offices) -> None:
    copy_database(source, target, workspace=COPIED)
    sessions = db.make_sessionmaker(target)
    with sessions.begin() as session:
        largest = session.scalar(select(func.max(Entry.id)))
    newcomer = make_rep(sessions, user="UNEW", name="Newcomer", team=COPIED)
    log(sessions, offices[COPIED]["Bob"], {"dials": 3}, key="after-the-move")
    with sessions.begin() as session:
        assert newcomer.rep_id > max(rep.rep_id for rep in offices[COPIED].values())
        assert session.scalar(select(func.min(Entry.id)).where(Entry.idempotency_key == "after-the-move")) > largest


def test_a_full_copy_takes_every_workspace(source: Engine, target: Engine, offices: Offices) -> None:
    report = copy_database(source, target)
    assert report.committed and report.ok and report.scope == "every workspace"
    assert row_counts(target) == row_counts(source)
    for people in offices.values():
        assert numbers(target, people) == numbers(source, people)
    with pytest.raises(CopyRefused, match="already holds rows"):
        copy_database(source, target)


def test_copying_a_workspace_twice_is_refused_and_another_can_follow(source: Engine, target: Engine) -> None:
    copy_database(source, target, workspace="Acme Sales")
    before = row_counts(target)
    with pytest.raises(CopyRefused, match=f"already holds workspace {COPIED}"):
        copy_database(source, target, workspace=COPIED)
    assert row_counts(target) == before
    assert copy_database(source, target, workspace=OTHER).ok  # the same source numbered both: no id collides
    assert check_copy(source, target, workspace=OTHER).ok
    # Everything but rows of the whole installation (OAuth states), which go only with a full copy.
    checks = check_copy(source, target).checks
    differing = {check.table for check in checks if not check.ok}
    assert differing == {check.table for check in checks if check.table in SHARED and check.source_rows}


def test_a_tampered_target_row_is_found(source: Engine, target: Engine) -> None:
    copy_database(source, target, workspace=COPIED)
    with target.begin() as connection:
        connection.execute(update(Deal).where(Deal.id == 1).values(amount=Deal.amount + 1))
        connection.execute(delete(Pto).where(Pto.id == select(func.max(Pto.id)).scalar_subquery()))
    report = check_copy(source, target, workspace=COPIED)
    differing = {check.table: check for check in report.checks if not check.ok}
    assert set(differing) == {"deal", "pto"} and not report.committed
    deal, pto = differing["deal"], differing["pto"]
    assert deal.source_rows == deal.target_rows and deal.source_checksum != deal.target_checksum
    assert pto.source_rows == pto.target_rows + 1


def test_a_copy_that_does_not_match_is_rolled_back(source: Engine, target: Engine) -> None:
    db.upgrade(target)
    with target.begin() as connection:  # a target that quietly rounds amounts: lossy
        connection.execute(
            text(
                "CREATE FUNCTION round_amount() RETURNS trigger AS $$ BEGIN NEW.amount := round(NEW.amount); "
                "RETURN NEW; END $$ LANGUAGE plpgsql;"
                "CREATE TRIGGER lossy BEFORE INSERT ON deal FOR EACH ROW EXECUTE FUNCTION round_amount()"
            )
        )
    report = copy_database(source, target, workspace=COPIED)
    assert not report.committed and [check.table for check in report.checks if not check.ok] == ["deal"]
    assert set(row_counts(target).values()) == {0}


def test_a_source_behind_the_code_is_refused(source: Engine, target: Engine) -> None:
    db.downgrade(source, "0004")
    with pytest.raises(CopyRefused, match="Run `tally db upgrade` on it first"):
        copy_database(source, target)
    assert inspect(target).get_table_names() == []


def test_an_unknown_workspace_is_refused(source: Engine, target: Engine) -> None:
    with pytest.raises(CopyRefused, match=rf"no workspace 'T0NOPE'.*{COPIED} \(Acme Sales\)"):
        copy_database(source, target, workspace="T0NOPE")
    assert inspect(target).get_table_names() == []


def test_a_table_without_a_workspace_rule_refuses_a_workspace_copy(source: Engine, target: Engine) -> None:
    gadgets = Table("gadgets", MetaData(), Column("id", Integer, primary_key=True))
    with pytest.raises(CopyRefused, match="which rows of gadgets belong to a workspace"):
        copy_database(source, target, workspace=COPIED, tables=[*Base.metadata.sorted_tables, gadgets])
    assert inspect(target).get_table_names() == []  # refused before the target was touched


def test_ids_taken_in_the_target_are_refused(source: Engine, target: Engine, tmp_path: Path) -> None:
    """Two SQLite databases both numbered from 1: the second cannot go into the same target keeping its ids."""
    other = db.make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    db.upgrade(other)
    make_rep(db.make_sessionmaker(other), team="T0ELSEWHERE")
    copy_database(other, target)
    with pytest.raises(CopyRefused, match="Rows of workspace collide"):
        copy_database(source, target, workspace=COPIED)
    assert row_counts(target) == row_counts(other)
    other.dispose()


def test_reps_keep_their_team_and_teams_their_manager(source: Engine, target: Engine) -> None:
    """team ↔ rep point at each other; the copy fills the later key in after both rows exist."""
    copy_database(source, target, workspace=COPIED)
    reps = select(Rep.display_name, Team.name, Rep.hidden, Rep.mute_until, Rep.ramp_percent).outerjoin(
        Team, Team.id == Rep.team_id
    )
    managers = select(Team.name, Rep.display_name).join(Rep, Rep.id == Team.manager_rep_id)
    with source.connect() as before, target.connect() as after:
        for query in (reps, managers):
            query = query.join(Workspace, Workspace.id == Rep.workspace_id).where(Workspace.external_id == COPIED)
            assert sorted(after.execute(query).all()) == sorted(before.execute(query).all())
            assert len(after.execute(query).all()) > 1


def test_slack_installations_go_with_their_workspace(source: Engine, target: Engine) -> None:
    """slack_sdk's OAuth tables know a workspace by Slack's team id; an org-wide install belongs to none."""
    installations(source).save(installation(None))
    db.upgrade(target)  # Tally's own tables first (where they include the OAuth tables, the store then adds none)
    store, target_store = installations(source), installations(target)
    oauth = [table for table in (store.installations, store.bots) if table.name not in Base.metadata.tables]
    report = copy_database(source, target, workspace=COPIED, tables=[*Base.metadata.sorted_tables, *oauth])
    copied = {check.table: check.target_rows for check in report.checks}
    assert report.ok and copied["slack_installations"] == copied["slack_bots"] == 1
    bot = target_store.find_bot(enterprise_id="E1", team_id=COPIED)
    assert bot is not None and bot.bot_token == f"xoxb-{COPIED}" and bot.installed_at == 1795730619.25
    assert target_store.find_bot(enterprise_id="E1", team_id=OTHER) is None
    assert store.find_bot(enterprise_id="E1", team_id=None, is_enterprise_install=True) is not None
    assert target_store.find_bot(enterprise_id="E1", team_id=None, is_enterprise_install=True) is None
    with pytest.raises(CopyRefused, match=f"already holds workspace {COPIED}"):
        copy_database(source, target, workspace=COPIED, tables=[*Base.metadata.sorted_tables, *oauth])
