"""`/tally export` and `tally export`: what was logged through signed requests comes back out, exactly, as CSV
read with the csv module and JSON read with json; an admin's file arrives in their DM; others are refused."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from bot.__main__ import main
from metrics.models import AuditLog, Entry, MetricDef
from metrics.records import RepContext
from metrics.services.exports import ExportFormat, ExportKind, export
from tests.factories import T0, make_office, make_rep
from tests.harness import SlackHarness

BOB, CY = "<@UBOB|bob>", "<@UCY|cy>"


@pytest.fixture
def office(slack: SlackHarness) -> dict[str, RepContext]:
    people = make_office(slack.sessions, team=slack.team_id)
    for name in people:
        slack.add_user(f"U{name.upper()}", name, "America/New_York")
    return people


@pytest.fixture
def logged(slack: SlackHarness, office: dict[str, RepContext]) -> dict[str, RepContext]:
    """Bob: 12 dials 3 meetings, 5 dials yesterday (undone), a won deal; Cy: 2 meetings; Dee sets Bob a target."""
    for user, text in (
        ("UBOB", "12 dials 3 meetings"),
        ("UCY", "2 meetings #webinar"),
        ("UBOB", "5 dials yesterday"),
        ("UBOB", "undo"),
        ("UBOB", "won Acme $12,345.67 cost 4k"),
    ):
        assert "Try" not in slack.command("/log", text, user=user).text
    assert "50 dials a day" in slack.command("/target", f"{BOB} 50 dials daily", user="UDEE").text
    return office


def uploaded(slack: SlackHarness) -> tuple[str, bytes, str]:
    """The file the last export uploaded: its name, its bytes as the fake Slack received them, its channel."""
    done = slack.wait_for("files.completeUploadExternal")[-1]
    file = done.json_param("files")[0]
    return file["title"], slack.fake.uploads[file["id"]], done.params["channel_id"]


def csv_rows(data: bytes | str) -> list[dict[str, str]]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return list(csv.DictReader(io.StringIO(text, newline="")))


def ledger_totals(rows: list[dict[str, str]]) -> Counter[tuple[str, str]]:
    totals: Counter[tuple[str, str]] = Counter()
    for row in rows:
        totals[(row["rep"], row["metric"])] += int(row["quantity"])
    return totals


def test_an_admin_gets_the_entries_csv_in_a_dm_and_it_matches_the_ledger(
    slack: SlackHarness, logged: dict[str, RepContext]
) -> None:
    reply = slack.command("/tally", "export entries", user="UANN")
    assert "Sent you tally-entries-2026-11-26.csv (5 rows)" in reply.text
    title, data, channel = uploaded(slack)
    assert (title, channel) == ("tally-entries-2026-11-26.csv", "DANN")  # Ann's DM with Tally, no one else's
    rows = csv_rows(data)
    with slack.sessions() as session:
        assert len(rows) == session.scalar(select(func.count()).select_from(Entry))
    assert ledger_totals(rows) == Counter({("Bob", "dials"): 12, ("Bob", "meetings"): 3, ("Cy", "meetings"): 2})
    undone = next(row for row in rows if row["quantity"] == "5")
    reversal = next(row for row in rows if row["quantity"] == "-5")
    assert (undone["undone"], undone["local_day"], undone["slack_user_id"]) == ("true", "2026-11-25", "UBOB")
    assert (reversal["undone"], reversal["undoes_entry_id"]) == ("false", undone["entry_id"])
    first = rows[0]
    assert first["created_at"] == T0.strftime("%Y-%m-%dT%H:%M:%SZ") and first["source"] == "slack"
    assert next(row for row in rows if row["rep"] == "Cy")["tag"] == "webinar"


def test_deals_come_out_to_the_cent_as_strings_in_csv_and_json(
    slack: SlackHarness, logged: dict[str, RepContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack.command("/tally", "export deals", user="UANN")
    [deal] = csv_rows(uploaded(slack)[1])
    assert (deal["owner"], deal["owner_slack_user_id"], deal["account"], deal["stage"]) == (
        "Bob",
        "UBOB",
        "Acme",
        "won",
    )
    assert (deal["amount"], deal["cost"], deal["closed_on"], deal["withdrawn"]) == (
        "12345.67",
        "4000.00",
        "2026-11-26",
        "false",
    )
    monkeypatch.setenv("DATABASE_URL", str(slack.sessions.kw["bind"].url.render_as_string(hide_password=False)))
    out = tmp_path / "deals.json"
    assert main(["export", "deals", "--workspace", slack.team_id, "--format", "json", "--out", str(out)]) == 0
    [record] = json.loads(out.read_text(encoding="utf-8"))
    assert record["amount"] == "12345.67" and record["cost"] == "4000.00"  # strings: a float would round
    assert record["recurring"] is False and record["contract_months"] is None


def test_targets_and_the_audit_log_as_json_and_csv(
    slack: SlackHarness,
    logged: dict[str, RepContext],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    slack.command("/tally", "export targets json", user="UANN")
    title, data, _ = uploaded(slack)
    [target] = json.loads(data)
    assert title == "tally-targets-2026-11-26.json"
    assert {k: target[k] for k in ("for", "rep", "slack_user_id", "metric", "period", "amount", "set_by")} == {
        "for": "rep", "rep": "Bob", "slack_user_id": "UBOB", "metric": "dials", "period": "day", "amount": "50",
        "set_by": "Dee",
    }  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", str(slack.sessions.kw["bind"].url.render_as_string(hide_password=False)))
    assert main(["export", "audit"]) == 0  # the only workspace, to standard output
    rows = csv_rows(capsys.readouterr().out)
    with slack.sessions() as session:
        summaries = list(session.scalars(select(AuditLog.summary).order_by(AuditLog.id)))
    assert [row["summary"] for row in rows] == summaries
    assert {row["actor"] for row in rows} == {"Ann", "Dee"} and all(json.loads(row["details"]) == {} for row in rows)


def test_someone_not_an_admin_is_refused_and_nothing_is_uploaded(
    slack: SlackHarness, logged: dict[str, RepContext]
) -> None:
    for user in ("UBOB", "UDEE"):  # a rep, and a manager
        assert "Only an admin can export" in slack.command("/tally", "export entries", user=user).text
    assert slack.fake.calls("files.getUploadURLExternal") == []


@pytest.mark.parametrize("text", ["export", "export people", "export entries xml", "export entries csv json"])
def test_bad_input_gets_the_usage(slack: SlackHarness, office: dict[str, RepContext], text: str) -> None:
    reply = slack.command("/tally", text, user="UANN")
    assert "/tally export entries" in reply.text and "deals" in reply.text
    assert slack.fake.calls("files.getUploadURLExternal") == []


def test_the_command_line_names_an_unknown_workspace_and_writes_no_file(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["export", "entries", "--workspace", "T0NOPE", "--out", str(folder / "x.csv")]) == 2
    assert "no workspace 'T0NOPE'" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_a_name_that_looks_like_a_formula_stays_text_in_csv(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions, user="UEVIL", name="=HYPERLINK(1)")
    with sessions.begin() as session:
        csv_out, json_out = io.StringIO(newline=""), io.StringIO()
        export(session, workspace_id=rep.workspace_id, kind=ExportKind.AUDIT, fmt=ExportFormat.CSV, out=csv_out)
        session.add(AuditLog(workspace_id=rep.workspace_id, actor_rep_id=rep.rep_id, action="x", summary="-1",
                             details={"n": 1}, created_at=T0))  # fmt: skip
        session.flush()
        export(session, workspace_id=rep.workspace_id, kind=ExportKind.AUDIT, fmt=ExportFormat.CSV, out=csv_out)
        export(session, workspace_id=rep.workspace_id, kind=ExportKind.AUDIT, fmt=ExportFormat.JSON, out=json_out)
    [row] = csv_rows(csv_out.getvalue().split("\r\n", 1)[1])  # the second export, after the first's bare header
    assert (row["actor"], row["summary"], row["details"]) == ("'=HYPERLINK(1)", "'-1", '{"n": 1}')
    assert json.loads(json_out.getvalue())[0]["actor"] == "=HYPERLINK(1)"  # JSON is not a spreadsheet


def test_an_export_is_one_query_however_many_rows(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions, user="UBIG", name="Big")

    def statements_for_export() -> tuple[int, int]:
        seen: list[str] = []
        engine = sessions.kw["bind"]
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with sessions.begin() as session:
                out = io.StringIO()
                rows = export(
                    session, workspace_id=rep.workspace_id, kind=ExportKind.ENTRIES, fmt=ExportFormat.JSON, out=out
                )
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(json.loads(out.getvalue())) == rows
        return rows, len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")])

    add_entries(sessions, rep, 3)
    small = statements_for_export()
    add_entries(sessions, rep, 4_997)  # more than two chunks
    large = statements_for_export()
    assert (small[0], large[0]) == (3, 5_000)
    assert small[1] == large[1] == 2  # the workspace's platform, then the rows


def add_entries(sessions: sessionmaker[Session], rep: RepContext, count: int) -> None:
    with sessions.begin() as session:
        start = int(session.scalar(select(func.count()).select_from(Entry)) or 0)
        metric_id = session.scalar(
            select(MetricDef.id).where(MetricDef.workspace_id == rep.workspace_id, MetricDef.key == "dials")
        )
        rows: list[dict[str, Any]] = [
            {"workspace_id": rep.workspace_id, "rep_id": rep.rep_id, "metric_id": metric_id, "quantity": 1,
             "local_day": T0.date(), "created_at": T0, "source": "import", "batch_id": f"b{start + i}",
             "idempotency_key": f"k{start + i}"}
            for i in range(count)
        ]  # fmt: skip
        session.execute(insert(Entry), rows)
