"""Who may read or change another rep's data, through signed HTTP, for every command that can name one.

Bob (East) is the subject. Asking about him: Cy (a rep on his team), Eve (manager of West), Dee (manager of
East), Ann (admin), and Zed, the admin of another workspace, who must learn and change nothing of Bob's. (To
Zed, `@bob` is a person of his own workspace — Tally keeps a person per workspace, as Enterprise Grid shares user
ids — so he may get an answer, but never one with Bob's numbers, and Bob's records stay as they were.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.slack.blocks import ids
from metrics.deal_records import DealAction, DealRequest
from metrics.models import Entry, Rep, Target, Team
from metrics.records import Platform, RepContext
from metrics.services import deals
from tests.factories import T0, log, make_office
from tests.harness import SlackHarness

OTHER_WORKSPACE = "T0ELSEWHERE"
Probe = Callable[[Session, int], tuple[object, ...]]
ACTORS = ("Cy", "Eve", "Zed", "Dee", "Ann")  # the refused first, so an allowed change cannot hide a refusal
MANAGERS = {"Dee", "Ann"}
ADMINS = {"Ann"}
BOB = "<@UBOB|bob>"


@pytest.fixture
def office(slack: SlackHarness) -> dict[str, RepContext]:
    """The office in the harness's workspace, Bob with a day of dials, a won deal and a target; Zed elsewhere."""
    people = make_office(slack.sessions, team=slack.team_id)
    for name in people:
        slack.add_user(f"U{name.upper()}", name, "America/New_York")
    slack.add_user("UZED", "Zed", "Europe/London")
    for weeks_ago in range(1, 4):
        log(slack.sessions, people["Bob"], {"dials": 70 + weeks_ago}, day=date(2026, 11, 26) - 7 * weeks_ago * ONE_DAY)
    log(slack.sessions, people["Bob"], {"dials": 77, "meetings": 2})
    with slack.sessions.begin() as session:
        request = DealRequest(DealAction.WON, "Acme", date(2026, 11, 20), Decimal(12_345))
        deals.log_deal(session, rep=people["Bob"], request=request, source=Platform.SLACK, now=T0)
    assert "50 dials a day" in slack.command("/target", f"{BOB} 50 dials daily", user="UDEE").text
    assert "admin" in elsewhere(slack).command("/tally", "setup", user="UZED").text
    return people


ONE_DAY = date(2026, 1, 2) - date(2026, 1, 1)


def elsewhere(slack: SlackHarness) -> SlackHarness:
    return dataclasses.replace(slack, team_id=OTHER_WORKSPACE)


def ask(slack: SlackHarness, actor: str, command: str, text: str) -> str:
    harness = elsewhere(slack) if actor == "Zed" else slack
    reply = harness.command(command, text, user=f"U{actor.upper()}")
    assert reply.http.status == 200 and reply.message is not None
    return reply.text


READS = [  # command, text, what only Bob's data would show
    ("/scorecard", f"{BOB} today", "Dials — 77"),
    ("/kpis", f"{BOB} quarter", "$12,345"),
    ("/target", f"list {BOB}", "50 dials a day"),
    ("/target", f"suggest {BOB} dials", "80th percentile"),
    ("/plan", f"$100k quarter {BOB}", "Deals —"),
    ("/funnel", f"{BOB} week", "77 dials"),
]


@pytest.mark.parametrize(("command", "text", "secret"), READS, ids=[f"{c} {t.split()[0]}" for c, t, _ in READS])
def test_reading_bobs_numbers(
    slack: SlackHarness, office: dict[str, RepContext], command: str, text: str, secret: str
) -> None:
    for actor in ACTORS:
        answer = ask(slack, actor, command, text)
        if actor in MANAGERS:
            assert secret in answer, (actor, answer)
        else:
            assert secret not in answer and "12,345" not in answer and "77" not in answer, (actor, answer)
            assert answer.startswith("⚠️") or actor == "Zed", (actor, answer)


def bobs_targets_and_role(session: Session, bob: int) -> tuple[object, ...]:
    rep = session.get_one(Rep, bob)
    in_force = session.scalars(select(Target.amount).where(Target.rep_id == bob, Target.ends_on.is_(None)))
    return (tuple(sorted(in_force)), rep.ramp_percent, rep.ramp_until, rep.role)


def bobs_entries(session: Session, bob: int) -> tuple[object, ...]:
    return (session.scalar(select(func.sum(Entry.quantity)).where(Entry.rep_id == bob)),)


def bobs_team(session: Session, bob: int) -> tuple[object, ...]:
    return (session.scalar(select(Team.name).join(Rep, Rep.team_id == Team.id).where(Rep.id == bob)),)


CHANGES = [  # command, text, who may, what to look at
    ("/target", f"{BOB} 60 dials daily", MANAGERS, bobs_targets_and_role),
    ("/target", f"clear {BOB} dials", MANAGERS, bobs_targets_and_role),
    ("/target", f"{BOB} 50 % ramp until 2027-01-31", MANAGERS, bobs_targets_and_role),
    ("/tally", f"role {BOB} manager of East", ADMINS, bobs_targets_and_role),
    ("/tally", f"team add {BOB} to West", ADMINS, bobs_team),
]


@pytest.mark.parametrize(
    ("command", "text", "allowed", "probe"), CHANGES, ids=[f"{c} {t.split()[0]}" for c, t, _, _ in CHANGES]
)
def test_changing_bobs_targets_role_or_team(
    slack: SlackHarness,
    office: dict[str, RepContext],
    command: str,
    text: str,
    allowed: set[str],
    probe: Probe,
) -> None:
    bob = office["Bob"].rep_id
    initial = state(slack.sessions, probe, bob)
    for actor in ACTORS:
        before = state(slack.sessions, probe, bob)
        answer = ask(slack, actor, command, text)
        if actor in allowed:
            assert not answer.startswith("⚠️"), (actor, answer)
        else:
            assert state(slack.sessions, probe, bob) == before, (actor, answer)
            assert answer.startswith("⚠️") or actor == "Zed", (actor, answer)
    assert state(slack.sessions, probe, bob) != initial


def test_no_one_undoes_bobs_log_but_bob(slack: SlackHarness, office: dict[str, RepContext]) -> None:
    batch, bob = log(slack.sessions, office["Bob"], {"dials": 5}).batch_id, office["Bob"].rep_id
    before = state(slack.sessions, bobs_entries, bob)
    for actor in ACTORS:
        harness = elsewhere(slack) if actor == "Zed" else slack
        assert harness.click(ids.UNDO_LOG, batch, user=f"U{actor.upper()}").text.startswith("⚠️")
        assert state(slack.sessions, bobs_entries, bob) == before
    assert "Undone: 5 dials" in slack.click(ids.UNDO_LOG, batch, user="UBOB").text


def state(sessions: sessionmaker[Session], probe: Probe, bob: int) -> tuple[object, ...]:
    with sessions() as session:
        return probe(session, bob)


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/standings", ""),
        ("/tally", "audit"),
        ("/tally", "teams"),
        ("/funnel", ""),
        ("/kpis", "everyone"),
        ("/target", "list"),
        ("/plan", "$1M year deal 10k win 20%"),
    ],
)
def test_another_workspaces_admin_sees_none_of_this_one(
    slack: SlackHarness, office: dict[str, RepContext], command: str, text: str
) -> None:
    answer = ask(slack, "Zed", command, text)
    for word in ("Bob", "Cy", "Dee", "East", "West", "12,345", "77"):
        assert word not in answer, (word, answer)
