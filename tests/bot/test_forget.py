"""`/tally forget @rep` through signed HTTP: a confirmation modal first (cancelling it changes nothing), then the
person's name and Slack identity gone from every table while every number they logged still counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.render import render_blocks
from bot.slack.blocks import ids
from bot.slack.notifier import SlackNotifier, notifier_client
from metrics import jobs
from metrics.models import AuditLog, Base, ChatIdentity, Delivery, Pto, Rep
from metrics.records import RepContext
from tests.factories import make_office
from tests.harness import SlackHarness

BOB, CY, ANN, ZED = "<@UBOB|bob>", "<@UCY|cy>", "<@UANN|ann>", "<@UZED|zed>"
STANDINGS_TIME = datetime(2026, 11, 26, 17, 1, tzinfo=UTC)  # the workspace is on UTC: after today's 17:00 post
FRIDAY_NUDGE = datetime(2026, 11, 27, 13, 31, tzinfo=UTC)  # 08:31 in New York
MONDAY_NUDGE = datetime(2026, 11, 30, 13, 31, tzinfo=UTC)


@pytest.fixture
def office(slack: SlackHarness) -> dict[str, RepContext]:
    """Bob (East) logs, wins a deal, has a target, PTO, a mute, his own nudge time, a sent standings post naming
    him and a nudge waiting to be sent; Cy and Fay log too."""
    people = make_office(slack.sessions, team=slack.team_id)
    for name in people:
        slack.add_user(f"U{name.upper()}", name, "America/New_York")
    for user, text in (("UBOB", "12 dials 3 meetings"), ("UCY", "30 dials 1 meeting"), ("UFAY", "4 meetings"),
                       ("UBOB", "won Acme $12,345.67 cost 4k"), ("UBOB", "7 dials yesterday")):  # fmt: skip
        assert "Try" not in slack.command("/log", text, user=user).text
    assert "50 dials a day" in slack.command("/target", f"{BOB} 50 dials daily", user="UDEE").text
    assert "East" in slack.command("/target", "team East 200 dials month", user="UDEE").text
    assert "PTO #" in slack.command("/tally", "pto 2026-12-24..2026-12-31", user="UBOB").text
    assert "nudge" in slack.command("/tally", "me nudge 08:15", user="UBOB").text.lower()
    notifier = SlackNotifier(notifier_client(slack.fake.bot_token, slack.fake.base_url, timeout=5))
    assert jobs.run("standings", slack.sessions, notifier, STANDINGS_TIME).dispatched is not None
    assert jobs.run("nudges", slack.sessions, None, FRIDAY_NUDGE).planned.planned >= 1
    assert "Muted" in slack.command("/tally", "mute until 2026-12-01", user="UBOB").text
    return people


def bob_id(slack: SlackHarness) -> int:
    with slack.sessions() as session:
        return session.scalars(select(ChatIdentity.rep_id).where(ChatIdentity.external_user_id == "UBOB")).one()


def everything(sessions: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order (but the redelivery guard's request ids: every request adds
    one, and they hold no one's name)."""
    with sessions() as session:
        return {
            table.name: [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
            if table.name != "seen_request"
        }


def texts_containing(sessions: sessionmaker[Session], *needles: str) -> list[tuple[str, str, str]]:
    """(table, column, text) for every text or JSON value of every table that contains one of `needles`."""
    found = []
    for name, rows in everything(sessions).items():
        columns = [column.name for column in Base.metadata.tables[name].columns]
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
                if isinstance(text, str) and any(needle in text for needle in needles):
                    found.append((name, column, text))
    return found


def views(slack: SlackHarness) -> tuple[str, str, str]:
    """What the numbers look like to the admin and to East's manager: boards and KPIs."""
    return (
        slack.command("/standings", "", user="UANN").text,
        slack.command("/standings", "month", user="UDEE").text,
        slack.command("/kpis", "everyone", user="UANN").text,
    )


def open_form(slack: SlackHarness, text: str = f"forget {BOB}", user: str = "UANN") -> tuple[str, dict[str, Any]]:
    reply = slack.command("/tally", text, user=user, trigger_id="7.7.forget")
    opened = slack.wait_for("views.open")[-1].json_param("view")
    return reply.text, opened


def test_the_modal_names_the_person_and_cancelling_it_changes_nothing(
    slack: SlackHarness, office: dict[str, RepContext]
) -> None:
    before = everything(slack.sessions)
    reply, view = open_form(slack)
    assert "nothing is forgotten until you press Forget" in reply
    assert slack.fake.calls("views.open")[-1].params["trigger_id"] == "7.7.forget"
    shown = "\n".join(render_blocks(view["blocks"]))
    assert "Forget Bob?" in shown and "Former rep 1" in shown and "3 logged numbers, 1 deal and 1 target" in shown
    assert view["callback_id"] == ids.FORGET_FORM and json.loads(view["private_metadata"]) == {"rep_id": bob_id(slack)}
    assert view["close"]["text"] == "Cancel" and not view.get("notify_on_close")  # Cancel sends Tally nothing
    assert everything(slack.sessions) == before


def test_confirming_removes_the_person_everywhere_and_keeps_every_number(
    slack: SlackHarness, office: dict[str, RepContext]
) -> None:
    board, month, kpis = views(slack)
    assert "Bob — score 19 · 49 pts" in board and "Dials — 49 of" in month  # the team: Bob's 19 + Cy's 30 dials
    assert texts_containing(slack.sessions, "Bob", "UBOB")  # the search finds him before…
    rep_id = bob_id(slack)
    _, view = open_form(slack)
    assert slack.submit(ids.FORGET_FORM, {}, user="UANN", private_metadata=view["private_metadata"]).body == ""
    assert texts_containing(slack.sessions, "Bob", "UBOB") == []  # …and nowhere after
    assert views(slack) == (board.replace("Bob", "Former rep 1"), month.replace("Bob", "Former rep 1"), kpis)
    with slack.sessions() as session:
        rep = session.get_one(Rep, rep_id)
        assert (rep.display_name, rep.timezone, rep.nudge_time, rep.mute_until) == ("Former rep 1", None, None, None)
        assert session.scalars(select(Pto).where(Pto.rep_id == rep_id)).all() == []
        waiting = session.scalars(select(Delivery).where(Delivery.rep_id == rep_id)).all()
        assert waiting and {(d.status, d.last_error, d.channel_id) for d in waiting} == {
            ("skipped", "the person was forgotten", None)
        }
        last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert last is not None and (last.action, last.summary) == (
            "forget",
            "forgot a person at an admin's request; their numbers stay, as Former rep 1",
        )
    dm = slack.wait_for("chat.postMessage")[-1].params
    assert dm["channel"] == "UANN" and "Former rep 1" in dm["text"]
    monday = jobs.run("nudges", slack.sessions, None, MONDAY_NUDGE).planned.keys
    assert monday and not [key for key in monday if key.startswith(f"nudge:{rep_id}:")]  # no one left to nudge


def test_someone_forgotten_who_comes_back_is_a_new_unrelated_rep(
    slack: SlackHarness, office: dict[str, RepContext]
) -> None:
    rep_id = bob_id(slack)
    _, view = open_form(slack)
    slack.submit(ids.FORGET_FORM, {}, user="UANN", private_metadata=view["private_metadata"])
    assert "Today so far: 3 dials" in slack.command("/log", "3 dials", user="UBOB").text  # not 15
    assert bob_id(slack) != rep_id
    with slack.sessions() as session:
        assert session.get_one(Rep, rep_id).display_name == "Former rep 1"
    # The modal sent twice (Slack retries, a double click) forgets once.
    slack.submit(ids.FORGET_FORM, {}, user="UANN", private_metadata=view["private_metadata"])
    with slack.sessions() as session:
        assert session.scalars(select(AuditLog.action).where(AuditLog.action == "forget")).all() == ["forget"]


@pytest.mark.parametrize(
    ("user", "text", "answer"),
    [
        ("UBOB", f"forget {CY}", "Only an admin can make Tally forget someone"),
        ("UDEE", f"forget {BOB}", "Only an admin can make Tally forget someone"),
        ("UANN", f"forget {ANN}", "ask another admin"),
        ("UANN", f"forget {ZED}", "I don't know that person yet"),
        ("UANN", "forget", "/tally forget @bob"),
        ("UANN", f"forget {BOB} {CY}", "/tally forget @bob"),
        ("UANN", f"forget {BOB} please", "/tally forget @bob"),
    ],
)
def test_refusals_open_no_modal_and_change_nothing(
    slack: SlackHarness, office: dict[str, RepContext], user: str, text: str, answer: str
) -> None:
    before = everything(slack.sessions)
    assert answer in slack.command("/tally", text, user=user).text
    assert slack.fake.calls("views.open") == []
    assert everything(slack.sessions) == before


def test_a_forgotten_admin_no_longer_counts_as_one(slack: SlackHarness, office: dict[str, RepContext]) -> None:
    assert "admin" in slack.command("/tally", f"role {CY} admin", user="UANN").text
    _, view = open_form(slack, f"forget {CY}")
    assert slack.submit(ids.FORGET_FORM, {}, user="UANN", private_metadata=view["private_metadata"]).body == ""
    assert "without an admin" in slack.command("/tally", f"role {ANN} rep", user="UANN").text


def test_the_confirmation_is_checked_again_when_it_is_sent(slack: SlackHarness, office: dict[str, RepContext]) -> None:
    _, view = open_form(slack)  # Ann opens the form for Bob…
    assert "admin" in slack.command("/tally", f"role {CY} admin", user="UANN").text
    assert "rep" in slack.command("/tally", f"role {ANN} rep", user="UCY").text  # …and stops being an admin
    before = everything(slack.sessions)
    answer = slack.submit(ids.FORGET_FORM, {}, user="UANN", private_metadata=view["private_metadata"]).json()
    assert answer["response_action"] == "update"
    assert "Only an admin" in "\n".join(render_blocks(answer["view"]["blocks"]))
    assert everything(slack.sessions) == before
    tampered = slack.submit(ids.FORGET_FORM, {}, user="UCY", private_metadata="{}").json()
    assert "run `/tally forget @name` again" in json.dumps(tampered["view"])
