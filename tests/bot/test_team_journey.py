"""A new team's first week, end to end through signed HTTP: install, `/tally setup`, a team, targets, a week of
logs across Thanksgiving and a PTO day; then every scorecard, standing and plan must agree with the ledger and
with figures worked out here independently (the `holidays` package's calendar, METRICS.md's formulas).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import holidays
import pytest
from sqlalchemy import func, select

from metrics.catalog import DEFAULT_METRICS
from metrics.models import ChatIdentity, Entry, MetricDef
from tests.factories import FakeClock
from tests.harness import Reply, SlackHarness

US_HOLIDAYS = holidays.country_holidays("US", years=2026)
MON, WED, FRI = date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 27)
POINTS = {spec.key: spec.points for spec in DEFAULT_METRICS}
WEEK = {  # day → user → what they log (Bob is on PTO on Wednesday; Thursday is Thanksgiving)
    date(2026, 11, 23): {
        "UBOB": "50 dials 10 conversations 2 meetings 1 opportunity",
        "UCY": "40 dials 8 convos 1 mtg",
    },
    date(2026, 11, 24): {
        "UBOB": "40 dials 8 conversations 3 meetings",
        "UCY": "40 dials 6 conversations 2 meetings 1 opp",
    },
    date(2026, 11, 25): {"UCY": "40 dials 9 conversations 1 meeting"},
    date(2026, 11, 27): {"UBOB": "60 dials 12 conversations 4 meetings", "UCY": "40 dials 7 conversations 2 meetings"},
}


def working_days(first: date, last: date, off: set[date] = frozenset()) -> list[date]:  # type: ignore[assignment]
    """Weekdays that are not US holidays (nor `off`), worked out without Tally's calendar."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and day not in US_HOLIDAYS and day not in off]


def evening(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 22, 0, tzinfo=UTC)  # 17:00 in New York


def say(slack: SlackHarness, user: str, command: str, text: str) -> Reply:
    reply = slack.command(command, text, user=user)
    assert reply.http.status == 200 and reply.message is not None, (command, text, reply.http)
    return reply


@pytest.fixture
def week(slack: SlackHarness, clock: FakeClock) -> SlackHarness:
    """Ann installs Tally and sets up Inside Sales (Dee manages Bob and Cy); Dee sets targets; a week is logged."""
    for user, name in (("UANN", "Ann"), ("UDEE", "Dee"), ("UBOB", "Bob"), ("UCY", "Cy")):
        slack.add_user(user, name, "America/New_York")
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    for user, command, text in (
        ("UANN", "/tally", "setup"),
        ("UANN", "/tally", "settings holidays US"),
        ("UANN", "/tally", "team create Inside Sales <#CSALES|sales-floor>"),
        ("UANN", "/tally", "team add <@UBOB|bob> <@UCY|cy> <@UDEE|dee>"),
        ("UANN", "/tally", "role <@UDEE|dee> manager"),
        ("UDEE", "/target", "<@UBOB|bob> 50 dials daily"),
        ("UDEE", "/target", "<@UCY|cy> 50 dials daily"),
        ("UDEE", "/target", "<@UBOB|bob> 10 meetings week"),
        ("UDEE", "/target", "<@UBOB|bob> $120k revenue quarter"),
        ("UDEE", "/target", "team 80 meetings month"),
        ("UBOB", "/tally", "pto 2026-11-25"),
    ):
        assert "✅" in say(slack, user, command, text).text or command != "/tally" or "pto" in text
    for day, logs in WEEK.items():
        clock.set(evening(day))
        for user, text in logs.items():
            assert "Logged" in say(slack, user, "/log", text).text
    assert "Won Acme — $12,000" in say(slack, "UBOB", "/log", "won Acme $12,000").text
    return slack


def ledger(slack: SlackHarness, user: str) -> dict[str, int]:
    """What the database holds for a user: net quantity per metric key."""
    with slack.sessions() as session:
        rows = session.execute(
            select(MetricDef.key, func.sum(Entry.quantity))
            .join(Entry, Entry.metric_id == MetricDef.id)
            .join(ChatIdentity, ChatIdentity.rep_id == Entry.rep_id)
            .where(ChatIdentity.external_user_id == user)
            .group_by(MetricDef.key)
        )
        return {key: int(total) for key, total in rows}


def score(parts: list[tuple[str, Fraction]]) -> int:
    """METRICS.md's activity score: weighted mean of attainment capped at 150 %, rounded half up."""
    weights = sum(Fraction(POINTS[key]) for key, _ in parts)
    value = sum(Fraction(POINTS[key]) * min(share, Fraction(3, 2)) for key, share in parts) / weights * 100
    return math.floor(value + Fraction(1, 2))


def test_every_scorecard_agrees_with_the_ledger_and_the_calendar(week: SlackHarness) -> None:
    workspace_days = working_days(MON, MON + timedelta(days=6))
    bob_days = working_days(MON, MON + timedelta(days=6), off={WED})
    assert (len(workspace_days), len(bob_days)) == (4, 3)  # Thanksgiving off for all; Bob's PTO too
    quarter_days = len(working_days(date(2026, 10, 1), date(2026, 12, 31)))
    bob, cy = ledger(week, "UBOB"), ledger(week, "UCY")
    assert bob == {"dials": 150, "conversations": 30, "meetings": 9, "opportunities": 1}
    card = say(week, "UBOB", "/scorecard", "week").text
    meetings_target = Fraction(10 * len(bob_days), len(workspace_days))  # weekly 10, prorated: 7.5
    revenue_target = Decimal(120_000) * len(bob_days) / quarter_days
    for key, quantity in bob.items():
        assert f"— {quantity:,}" in card and f"{quantity * POINTS[key]:,} pts" in card
    assert f"Dials — 150 of {50 * len(bob_days)} (100 %)" in card
    assert f"Meetings — 9 of {float(meetings_target):g} (120 %)" in card
    assert (
        f"Revenue — $12,000 of ${revenue_target:,.0f} ({12_000 / revenue_target:.0%} quota attainment)".replace(
            "%", " %"
        )
        in card
    )
    expected = score([("dials", Fraction(150, 150)), ("meetings", 9 / meetings_target)])
    assert f"Score {expected} · #1 of 2 in the team" in card
    cy_card = say(week, "UDEE", "/scorecard", "<@UCY|cy> week").text
    cy_target = 50 * len(workspace_days)
    assert f"Dials — {cy['dials']} of {cy_target} ({cy['dials'] * 100 // cy_target} %)" in cy_card
    assert f"Score {score([('dials', Fraction(cy['dials'], cy_target))])} · #2 of 2" in cy_card
    assert f"Next step — {cy_target - cy['dials']} more dials lift your score to 100." in cy_card


def test_standings_rank_by_own_targets_and_show_the_team_target(week: SlackHarness) -> None:
    board = say(week, "UBOB", "/standings", "week").text
    november_days = len(working_days(date(2026, 11, 1), date(2026, 11, 30)))
    team_target = Fraction(80 * len(working_days(MON, MON + timedelta(days=6))), november_days)
    team_meetings = ledger(week, "UBOB")["meetings"] + ledger(week, "UCY")["meetings"]
    assert f"Meetings — {team_meetings} of {float(team_target):.1f}" in board
    assert board.index("Bob (you) — score 118") < board.index("Cy — score 80")
    assert "Dee" not in board  # a manager who sells nothing is not ranked last on her own board
    by_dials = say(week, "UCY", "/standings", "dials week").text
    assert "Bob — 150 of 150 (100 %)" in by_dials and "Cy (you) — 160 of 200 (80 %)" in by_dials
    assert "Managers and admins post standings" in say(week, "UBOB", "/standings", "post").text
    say(week, "UDEE", "/standings", "post")
    channel = week.wait_for("chat.postMessage")[0].params
    assert channel["channel"] == "CSALES" and "Bob" in channel["text"]


def test_the_articles_plan_and_the_teams_own_history(week: SlackHarness, clock: FakeClock) -> None:
    article = say(week, "UDEE", "/plan", "$5M year deal 100k win 25%").text
    assert "Deals — 50 ·" in article and "Opportunities — 200 ·" in article
    logged = [ledger(week, user) for user in ("UBOB", "UCY")]
    total = {key: sum(each.get(key, 0) for each in logged) for key in ("dials", "conversations", "meetings")}
    opportunities = sum(each.get("opportunities", 0) for each in logged)
    days_left = len(working_days(FRI, date(2026, 12, 31)))
    deals = math.ceil(Fraction(5_000_000 - 12_000, 12_000))  # one won deal: $12k average, 100 % win rate
    meetings = math.ceil(deals / Fraction(opportunities, total["meetings"]))
    conversations = math.ceil(meetings / Fraction(total["meetings"], total["conversations"]))
    dials = math.ceil(conversations / Fraction(total["conversations"], total["dials"]))
    plan = say(week, "UDEE", "/plan", "$5M year").text
    assert f"2 reps · {days_left} working days left" in plan
    for stage, amount in (("Deals", deals), ("Meetings", meetings), ("Conversations", conversations), ("Dials", dials)):
        assert f"{stage} — {amount:,} · {math.ceil(Fraction(amount, 2 * days_left)):,} per rep per working day" in plan
    assert f"dials → conversations 19 % ({total['dials']} observations, last 180 days)" in plan
    assert "more than anyone logs (at most 40)" in say(week, "UDEE", "/plan", "apply").text  # 65 meetings a day
    quarter_left = len(working_days(FRI, date(2026, 12, 31)))
    say(week, "UDEE", "/plan", "$200k quarter deal 12k win 50% opp 50% meet 50% conv 20%")
    # $200k − $12k won = $188k → 16 deals → 32 opportunities → 64 meetings → 128 conversations → 640 dials
    assert "8 daily targets" in say(week, "UDEE", "/plan", "apply").text  # 4 stages × Bob and Cy, not Dee
    listed = say(week, "UDEE", "/target", "list <@UBOB|bob>").text
    assert f"Bob: {math.ceil(Fraction(640, 2 * quarter_left))} dials a day" in listed
    assert "Bob: 50 dials a day" not in listed  # replaced, not added to
    assert "• Dee:" not in say(week, "UDEE", "/target", "list <@UDEE|dee>").text


def test_the_holiday_has_no_target_and_still_takes_a_log(week: SlackHarness, clock: FakeClock) -> None:
    clock.set(evening(date(2026, 11, 26)))
    card = say(week, "UCY", "/scorecard", "today").text
    assert "today is a day off" in card and "Score: no targets in this window" in card
    assert "Logged 5 dials" in say(week, "UCY", "/log", "5 dials").text
    assert ledger(week, "UCY")["dials"] == 165
    card = say(week, "UCY", "/scorecard", "today").text
    assert "Dials — 5 · 5 pts" in card and " of 0" not in card  # a bonus, not "5 of 0"
    week_card = say(week, "UCY", "/scorecard", "week").text
    assert "Dials — 165 of 200 (83 %)" in week_card  # the holiday's dials count; its quota stays zero


def test_privacy_hides_a_name_from_teammates_and_the_channel(week: SlackHarness) -> None:
    assert "hidden" in say(week, "UCY", "/tally", "privacy hide").text.lower()
    assert "Cy" not in say(week, "UBOB", "/standings", "week").text
    assert "a teammate" in say(week, "UBOB", "/standings", "week").text
    assert "Cy — score 80" in say(week, "UDEE", "/standings", "week").text  # her manager still coaches her
    say(week, "UDEE", "/standings", "post")
    posted = week.wait_for("chat.postMessage")[0].params
    assert "Cy" not in str(posted["blocks"]) and "a teammate" in str(posted["blocks"])


def test_the_audit_log_lists_every_change(week: SlackHarness) -> None:
    audit = say(week, "UANN", "/tally", "audit").text
    for change in (
        "Ann became admin",
        "holidays of US",
        "created team Inside Sales",
        "Dee is now a manager",
        "Bob: 50 dials a day",
        "Inside Sales: 80 meetings a month",
        "Bob PTO 2026-11-25",
    ):
        assert change in audit
    assert "NotAllowed" not in say(week, "UBOB", "/tally", "audit").text
    assert "Only an admin can read the audit log" in say(week, "UBOB", "/tally", "audit").text
