"""Importing CRM exports: header recognition, --map, bad files, bad lines, idempotency, updates, atomicity."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.__main__ import main
from metrics.deal_records import Stage
from metrics.imports import columns, rows
from metrics.imports.values import BadValue, parse_date, parse_flag, parse_money, stage_of
from metrics.models import Account, Deal, Entry, Rep, Subscription, Team
from metrics.records import WorkspaceDefaults
from metrics.services import imports
from metrics.services.workspaces import choose_workspace
from tests.conftest import SHARED

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SALESFORCE = """Opportunity ID,Opportunity Owner,Account Name,Amount,Stage,Created Date,Close Date
006A,Ann Lee,Acme,"12,000.00",Closed Won,2026-09-01,2026-10-15
006B,Ann Lee,Globex,5000,Closed Lost,9/3/2026,10/20/2026
006C,Bo Chen,Initech,,Prospecting,2026-10-01,2026-12-31
"""
HUBSPOT = """Record ID,Deal owner,Associated Company,Amount,Deal Stage,Create Date,Close Date
101,Ann Lee,Acme,3000,closedwon,2026-10-01 09:30,2026-10-02 17:00
102,Cy Diaz,Umbrella,700,Appointment Scheduled,2026-10-05,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def import_file(sessions: sessionmaker[Session], path: Path, kind: str = "deals", **options: object):  # type: ignore[no-untyped-def]
    fields, parser, store = {
        "deals": (columns.DEAL_FIELDS, rows.deal_parser, imports.import_deals),
        "subscriptions": (columns.SUBSCRIPTION_FIELDS, rows.subscription_parser, imports.import_subscriptions),
        "activities": (columns.ACTIVITY_FIELDS, rows.activity_parser, imports.import_activities),
    }[kind]
    table = columns.open_table(path, fields, options.pop("mapping", None))  # type: ignore[arg-type]
    parsed, problems = rows.read_rows(table, parser(rows.ReadOptions(**options)))  # type: ignore[arg-type]
    with sessions.begin() as session:
        workspace = choose_workspace(session, None, create=True, defaults=WorkspaceDefaults(), now=NOW)
        return store(session, workspace_id=workspace.id, rows=parsed, problems=problems, now=NOW)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-10-15", date(2026, 10, 15)),
        ("10/15/2026", date(2026, 10, 15)),
        ("15.10.2026", date(2026, 10, 15)),
        ("2026-10-15 17:00:00", date(2026, 10, 15)),
        ("2026-10-15T17:00:00Z", date(2026, 10, 15)),
        ("", None),
    ],
)
def test_dates_in_the_formats_crms_export(raw: str, expected: date | None) -> None:
    assert parse_date(raw) == expected


def test_values_that_cannot_be_read_say_why() -> None:
    with pytest.raises(BadValue, match="unreadable date"):
        parse_date("15th October")
    with pytest.raises(BadValue, match="negative amount"):
        parse_money("-50")
    with pytest.raises(BadValue, match="unreadable amount"):
        parse_money("twelve")
    with pytest.raises(BadValue, match="true or false"):
        parse_flag("perhaps", "churned")
    assert parse_money("$1,054.5") == Decimal("1054.50") and parse_money(" ") is None
    assert parse_date("15/10/2026", "%d/%m/%Y") == date(2026, 10, 15)


def test_stage_names_map_case_insensitively_with_overrides() -> None:
    assert [stage_of(name) for name in ("Won", "CLOSED WON", "lost", "Closed Lost", "Negotiation")] == [
        Stage.WON,
        Stage.WON,
        Stage.LOST,
        Stage.LOST,
        Stage.OPEN,
    ]
    assert stage_of("Signed", won=["signed"]) is Stage.WON and stage_of("Churned", lost=["Churned"]) is Stage.LOST


@pytest.mark.parametrize("export", [SALESFORCE, HUBSPOT], ids=["salesforce", "hubspot"])
def test_salesforce_and_hubspot_headers_are_recognised(
    export: str, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    summary = import_file(sessions, write(tmp_path, "export.csv", export))
    assert summary.skipped == 0 and summary.imported == summary.rows
    with sessions.begin() as session:
        acme = session.scalars(select(Deal).join(Account).where(Account.name == "Acme")).one()
        assert acme.stage == "won" and acme.amount in (Decimal("12000.00"), Decimal("3000.00"))
        open_deal = session.scalars(select(Deal).where(Deal.stage == "open")).one()
        assert open_deal.closed_on is None  # an open opportunity's close date is only expected


def test_reimporting_changes_nothing_and_a_changed_row_updates(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    path = write(tmp_path, "sf.csv", SALESFORCE)
    first = import_file(sessions, path)
    again = import_file(sessions, path)
    assert (first.imported, again.imported, again.updated, again.unchanged) == (3, 0, 0, 3)
    write(
        tmp_path,
        "sf.csv",
        SALESFORCE.replace("Prospecting,2026-10-01,2026-12-31", "Closed Won,2026-10-01,2026-11-20").replace(
            "Initech,,", "Initech,900,"
        ),
    )
    changed = import_file(sessions, path)
    assert (changed.imported, changed.updated, changed.unchanged) == (0, 1, 2)
    assert (count(sessions, Deal), count(sessions, Rep), count(sessions, Account)) == (3, 2, 3)


def test_bad_lines_are_skipped_with_their_line_number_and_the_rest_imports(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    text = SALESFORCE + (
        "006D,,Acme,10,Closed Won,2026-10-01,2026-10-02\n"  # line 5: no owner
        "006E,Bo Chen,Acme,-10,Closed Won,2026-10-01,2026-10-02\n"  # line 6: negative
        "006F,Bo Chen,Acme,10,Closed Won,2026-13-45,2026-10-02\n"  # line 7: bad date
        "006G,Bo Chen,Acme,10,Closed Won,2026-10-05,2026-10-02\n"  # line 8: closed before created
        "006A,Bo Chen,Acme,1,Closed Won,2026-10-01,2026-10-02\n"  # line 9: the same id as line 2
        "006H,Bo Chen,Acme\n"  # line 10: too few values
        "006I,Bo Chen,Acme,,Closed Won,2026-10-01,2026-10-02\n"  # line 11: won without amount
    )
    summary = import_file(sessions, write(tmp_path, "mixed.csv", text))
    reasons = {problem.line: problem.reason for problem in summary.problems}
    assert set(reasons) == {5, 6, 7, 8, 9, 10, 11}
    assert reasons[5] == "no owner" and "negative" in reasons[6] and "unreadable date" in reasons[7]
    assert "before it was created" in reasons[8] and "same deal id as line 2" in reasons[9]
    assert "has 3 values" in reasons[10] and "without an amount" in reasons[11]
    assert (summary.rows, summary.imported, summary.skipped) == (10, 3, 7)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a text CSV file"),
        (SALESFORCE.replace(",", ";").encode(), "seems to use ';' between columns"),
        (b"name,date\nx,y\n", "no column for id, owner, stage"),
        ("Opportunity ID,Stage\n1,Won\n".encode("utf-16"), "not a text CSV file"),
    ],
)
def test_bad_files_are_refused_whole_and_write_nothing(
    content: bytes,
    says: str,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["import", "deals", str(path)]) == 1
    error = capsys.readouterr().err
    assert says in error and "Nothing was imported." in error


def test_map_names_columns_and_refuses_unknown_ones(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    path = write(tmp_path, "own.csv", "ref,seller,stage_name,value,closed\nX1,Ann Lee,Won,10,2026-10-02\n")
    mapping = {"id": "ref", "owner": "seller", "stage": "stage_name", "amount": "value", "closed": "closed"}
    assert import_file(sessions, path, mapping=mapping).imported == 1
    with pytest.raises(columns.ImportRefused, match="no column 'vendor'"):
        import_file(sessions, path, mapping=mapping | {"owner": "vendor"})
    with pytest.raises(columns.ImportRefused, match="there is no field 'colour'"):
        import_file(sessions, path, mapping=mapping | {"colour": "value"})


def test_an_import_is_one_transaction(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    table = columns.open_table(write(tmp_path, "sf.csv", SALESFORCE), columns.DEAL_FIELDS)
    parsed, problems = rows.read_rows(table, rows.deal_parser(rows.ReadOptions()))
    with pytest.raises(RuntimeError), sessions.begin() as session:
        workspace = choose_workspace(session, None, create=True, defaults=WorkspaceDefaults(), now=NOW)
        imports.import_deals(session, workspace_id=workspace.id, rows=parsed, problems=problems, now=NOW)
        raise RuntimeError("the process dies after writing, before committing")
    assert (count(sessions, Deal), count(sessions, Account), count(sessions, Rep)) == (0, 0, 0)


def test_activities_import_once_and_refuse_unknown_metrics(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    text = (
        "rep,date,metric,quantity\nAnn Lee,2026-11-02,calls,40\nAnn Lee,2026-11-02,calls,40\n"
        "Ann Lee,2026-11-03,demos,2\nBo Chen,2026-11-03,unicorns,1\nBo Chen,2026-11-03,dials,9999\n"
    )
    path = write(tmp_path, "activity.csv", text)
    first = import_file(sessions, path, "activities")
    assert (first.imported, first.skipped) == (3, 2)  # two identical lines are two logs
    assert {problem.line: problem.reason for problem in first.problems} == {
        5: "unknown metric 'unicorns'",
        6: "9,999 dials is more than Tally accepts in one day (at most 500). Check for a typo?",
    }
    assert import_file(sessions, path, "activities").imported == 0
    with sessions.begin() as session:
        assert session.scalar(select(func.sum(Entry.quantity))) == 82


def test_rep_teams_import(
    tmp_path: Path, sessions: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path, "teams.csv", "sales_agent,manager,regional_office\nAnn Lee,Dee Ng,East\nBo Chen,Dee Ng,East\n"
    )
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["import", "reps", str(path), "--map", "name=sales_agent", "--map", "team=regional_office"]) == 0
    with sessions.begin() as session:
        team = session.scalars(select(Team)).one()
        assert team.name == "East" and team.manager_rep_id is not None
        assert {rep.display_name for rep in session.scalars(select(Rep).where(Rep.team_id == team.id))} == {
            "Ann Lee",
            "Bo Chen",
        }


RAVENSTACK = SHARED / "data" / "saas-ravenstack" / "ravenstack_subscriptions.csv"


@pytest.mark.slow
def test_the_ravenstack_subscriptions_import_with_maps_only(
    sessions: sessionmaker[Session],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not RAVENSTACK.exists():
        pytest.skip(f"the RavenStack data set is in ../shared, which is not beside this checkout ({RAVENSTACK})")
    monkeypatch.setenv("DATABASE_URL", database_url)
    maps = [
        "id=subscription_id",
        "account=account_id",
        "start=start_date",
        "end=end_date",
        "mrr=mrr_amount",
        "arr=arr_amount",
        "churned=churn_flag",
    ]
    argv = ["import", "subscriptions", str(RAVENSTACK), *(part for pair in maps for part in ("--map", pair))]
    assert main(argv) == 0
    assert "5,000 imported" in capsys.readouterr().out
    assert main(argv) == 0
    assert "5,000 unchanged" in capsys.readouterr().out
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).where(Subscription.churned.is_(True))) == 486
        assert session.scalar(select(func.count(func.distinct(Subscription.account_id)))) == 500
    # Independent check of subscription ARR on 31 Dec 2024, straight from the CSV.
    expected = Decimal(0)
    with RAVENSTACK.open(newline="") as handle:
        for row in csv.DictReader(handle):
            end = row["end_date"]
            if row["start_date"] <= "2024-12-31" and (not end or end > "2024-12-31"):
                expected += Decimal(row["arr_amount"] or 0) or Decimal(row["mrr_amount"]) * 12
    assert main(["report", "kpis", "--period", "2024", "--by", "workspace", "--format", "json"]) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]
    assert totals["subscription_arr"] == float(expected)
    # Every RavenStack account keeps at least one subscription running, so no customer left entirely in 2024:
    # churn counts customers, not subscriptions (METRICS.md).
    assert totals["churn_rate"] == 0.0
