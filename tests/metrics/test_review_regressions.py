"""Regressions for defects found in review: each test failed before its fix."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.__main__ import main
from metrics.deal_records import DealAction, DealRequest, GroupBy, Stage
from metrics.errors import UnknownLog
from metrics.imports import columns, rows
from metrics.models import Account, Deal, Rep
from metrics.periods import period_containing
from metrics.records import Platform, WorkspaceDefaults
from metrics.services import deals, imports, reports, undo
from metrics.services.workspaces import choose_workspace
from tests.factories import T0, entry_count, log, make_rep

D = Decimal
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def deal(sessions: sessionmaker[Session], rep: object, action: DealAction, account: str, amount: int | None = None):  # type: ignore[no-untyped-def]
    request = DealRequest(action, account, T0.date(), None if amount is None else D(amount))
    with sessions.begin() as session:
        return deals.log_deal(session, rep=rep, request=request, source=Platform.SLACK, now=T0)  # type: ignore[arg-type]


def test_undoing_an_older_deal_change_first_is_refused(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    opened = deal(sessions, rep, DealAction.OPEN, "Beta", 30_000)
    won = deal(sessions, rep, DealAction.WON, "Beta")
    with sessions.begin() as session, pytest.raises(UnknownLog, match="undo that one first"):
        undo.undo_log(session, rep=rep, batch_id=opened.batch_id, source=Platform.SLACK, now=T0)
    with sessions.begin() as session:
        assert session.scalars(select(Deal)).one().stage == "won"  # untouched
    with sessions.begin() as session:
        undo.undo_log(session, rep=rep, batch_id=won.batch_id, source=Platform.SLACK, now=T0)
    with sessions.begin() as session:
        undo.undo_log(session, rep=rep, batch_id=opened.batch_id, source=Platform.SLACK, now=T0)
    with sessions.begin() as session:
        beta = session.scalars(select(Deal)).one()
        assert (beta.stage, beta.active) == ("open", False)


def load_activities(sessions: sessionmaker[Session], tmp_path: Path, text: str) -> object:
    path = tmp_path / "acts.csv"
    path.write_text(text)
    parsed, problems = rows.read_rows(
        columns.open_table(path, columns.ACTIVITY_FIELDS), rows.activity_parser(rows.ReadOptions())
    )
    with sessions.begin() as session:
        workspace = choose_workspace(session, "T0TEST", create=True, defaults=WorkspaceDefaults(), now=NOW)
        return imports.import_activities(session, workspace_id=workspace.id, rows=parsed, problems=problems, now=NOW)


def test_an_import_neither_blocks_nor_joins_a_reps_undo(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    alice = make_rep(sessions, name="Alice")
    make_rep(sessions, user="UBOB", name="Bob")
    mine = log(sessions, alice, {"dials": 5}, now=T0 - timedelta(hours=1))
    load_activities(sessions, tmp_path, "rep,date,metric,quantity\nAlice,2026-11-25,dials,3\nBob,2026-11-25,dials,4\n")
    with sessions.begin() as session:
        undone = undo.undo_last(session, rep=alice, source=Platform.SLACK, now=T0)
    assert undone.batch_id == mine.batch_id  # her own log, not the import
    with sessions.begin() as session, pytest.raises(UnknownLog, match="no logs to undo"):
        undo.undo_last(session, rep=alice, source=Platform.SLACK, now=T0)


def test_activity_lines_with_the_same_id_and_the_day_cap(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    make_rep(sessions, name="Alice")
    text = (
        "id,rep,date,metric,quantity\nA1,Alice,2026-11-25,dials,300\nA1,Alice,2026-11-25,dials,300\n"
        "A2,Alice,2026-11-25,dials,150\nA3,Alice,2026-11-25,dials,100\n"
    )
    summary = load_activities(sessions, tmp_path, text)
    reasons = {problem.line: problem.reason for problem in summary.problems}  # type: ignore[attr-defined]
    assert "the same id as line 2" in reasons[3]
    assert "would make 550 dials for the day" in reasons[5]
    assert summary.imported == 2  # type: ignore[attr-defined]


def test_very_long_names_import_and_log_twice(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    long_name = "Acme " + "x" * 300
    path = tmp_path / "long.csv"
    path.write_text(
        "Opportunity ID,Opportunity Owner,Account Name,Amount,Stage,Close Date\n"
        f"1,{'Ann ' * 80},{long_name},5,Won,2026-10-01\n"
    )
    parsed, problems = rows.read_rows(
        columns.open_table(path, columns.DEAL_FIELDS), rows.deal_parser(rows.ReadOptions())
    )
    for _ in range(2):
        with sessions.begin() as session:
            workspace = choose_workspace(session, None, create=True, defaults=WorkspaceDefaults(), now=NOW)
            imports.import_deals(session, workspace_id=workspace.id, rows=parsed, problems=problems, now=NOW)
    with sessions.begin() as session:
        assert len(session.scalars(select(Account)).all()) == 1 and len(session.scalars(select(Rep)).all()) == 1


def test_a_long_account_name_in_chat_twice(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    for _ in range(2):
        deal(sessions, rep, DealAction.WON, "Z" * 250, 5_000)
    with sessions.begin() as session:
        assert len(session.scalars(select(Account)).all()) == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (
            ("Opportunity ID,Opportunity Owner,Stage\n" + "1,Ann,Won\n" * 7000).encode() + b"2,Ann \xe9,Won\n",
            "not UTF-8",
        ),
        (b'Opportunity ID,Opportunity Owner,Stage\n1,"' + b"x" * 200_000 + b'",Won\n', "not valid CSV"),
    ],
)
def test_bad_bytes_anywhere_refuse_the_file(content: bytes, says: str, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(content)
    with pytest.raises(columns.ImportRefused, match=says):
        table = columns.open_table(path, columns.DEAL_FIELDS)
        rows.read_rows(table, rows.deal_parser(rows.ReadOptions()))


def test_a_multibyte_character_at_64k_is_fine(tmp_path: Path) -> None:
    header = "Opportunity ID,Opportunity Owner,Stage\n"
    filler = "1,Ann,Won\n" * ((65_535 - len(header)) // 10)
    text = header + filler + "x" * (65_535 - len((header + filler).encode())) + "é,Bob,Won\n"
    path = tmp_path / "edge.csv"
    path.write_text(text, encoding="utf-8")
    columns.open_table(path, columns.DEAL_FIELDS)  # no exception


def test_a_churned_subscription_without_an_end_counts_as_churn(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "subs.csv"
    path.write_text(
        "account,start,end,mrr,churned,churned_on\nA,2024-01-01,,100,true,2024-05-10\nB,2024-01-01,,100,false,\n"
    )
    parsed, problems = rows.read_rows(
        columns.open_table(path, columns.SUBSCRIPTION_FIELDS), rows.subscription_parser(rows.ReadOptions())
    )
    with sessions.begin() as session:
        workspace = choose_workspace(session, None, create=True, defaults=WorkspaceDefaults(), now=NOW)
        imports.import_subscriptions(session, workspace_id=workspace.id, rows=parsed, problems=problems, now=NOW)
        q2 = reports.kpi_report(
            session,
            workspace_id=workspace.id,
            period=period_containing("quarter", date(2024, 5, 1)),
            group_by=GroupBy.WORKSPACE,
            as_of=NOW.date(),
        )
        later = reports.kpi_report(
            session,
            workspace_id=workspace.id,
            period=period_containing("year", date(2025, 1, 1)),
            group_by=GroupBy.WORKSPACE,
            as_of=NOW.date(),
        )
    assert q2.totals.churn_rate == D("0.5")
    assert later.totals.subscription_arr == D(1_200)


def test_day_first_dates_are_refused_without_a_format(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dayfirst.csv"
    path.write_text(
        "Opportunity ID,Opportunity Owner,Stage,Amount,Created Date,Close Date\n"
        "1,Ann,Won,5,25/03/2017,27/03/2017\n2,Ann,Won,5,03/04/2017,05/04/2017\n"
    )
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["import", "deals", str(path)]) == 1
    assert "day-first dates such as 25/03/2017" in capsys.readouterr().err
    assert main(["import", "deals", str(path), "--date-format", "%d/%m/%Y"]) == 0
    assert "2 imported" in capsys.readouterr().out


def test_the_named_manager_becomes_a_manager(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text("name,team,manager\nBob,East,Alice\n")
    parsed, problems = rows.read_rows(columns.open_table(path, columns.REP_FIELDS), rows.rep_parser(rows.ReadOptions()))
    with sessions.begin() as session:
        workspace = choose_workspace(session, None, create=True, defaults=WorkspaceDefaults(), now=NOW)
        imports.import_reps(session, workspace_id=workspace.id, rows=parsed, problems=problems, now=NOW)
    with sessions.begin() as session:
        assert session.scalars(select(Rep.role).where(Rep.display_name == "Alice")).one() == "manager"


def test_the_opportunity_ledger_row_and_stage_survive_everything(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    receipt = deal(sessions, rep, DealAction.OPEN, "Gamma", 1_000)
    assert receipt.deal.stage is Stage.OPEN and entry_count(sessions) == 1
