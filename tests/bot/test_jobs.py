"""The scheduled jobs one at a time: who is nudged, when a delivery is skipped, celebrations' wording and privacy,
a crash's message found instead of resent, and a fan-out's SQL statement count that does not grow with reps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.fake_slack import FakeSlack
from bot.slack.notifier import SlackNotifier, notifier_client
from metrics import db, jobs, outbox
from metrics.deal_records import DealAction, DealRequest
from metrics.dispatch import Dispatcher, RetryPolicy
from metrics.models import Delivery, Rep, Workspace
from metrics.notify import Message, Recipient
from metrics.outbox import Planned
from metrics.periods import PeriodKind
from metrics.records import Platform, RepContext
from metrics.services import deals, preferences, schedules, targets
from metrics.services.targets import Subject
from tests.factories import log, make_office, make_rep

MONDAY_0831 = datetime(2026, 11, 30, 13, 31, tzinfo=UTC)  # 08:31 in New York
D = Decimal


@pytest.fixture
def office(sessions: sessionmaker[Session], fake_slack: FakeSlack) -> dict[str, RepContext]:
    people = make_office(sessions, team=fake_slack.team_id)
    for name in people:
        fake_slack.add_user(f"U{name.upper()}", name, "America/New_York")
    return people


def notifier(fake: FakeSlack) -> SlackNotifier:
    return SlackNotifier(notifier_client(fake.bot_token, fake.base_url, timeout=5))


def deliveries(sessions: sessionmaker[Session]) -> dict[str, Delivery]:
    with sessions() as session:
        return {d.dedupe_key: d for d in session.scalars(select(Delivery))}


def daily_dials(sessions: sessionmaker[Session], boss: RepContext, rep: RepContext, amount: int, now: datetime) -> None:
    with sessions.begin() as session:
        targets.set_target(
            session,
            asker=boss,
            subject=Subject.REP,
            metric_key="dials",
            amount=D(amount),
            period_kind=PeriodKind.DAY,
            now=now,
            rep_id=rep.rep_id,
        )


def test_reps_are_nudged_once_and_managers_without_targets_not_at_all(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    before = jobs.run("nudges", sessions, notifier(fake_slack), MONDAY_0831 - timedelta(minutes=2))
    assert before.planned.planned == 0  # 08:29: not yet
    first = jobs.run("nudges", sessions, notifier(fake_slack), MONDAY_0831)
    again = jobs.run("nudges", sessions, notifier(fake_slack), MONDAY_0831 + timedelta(minutes=5))
    assert first.dispatched is not None and first.dispatched.sent == 3  # Bob, Cy, Fay: not Ann, Dee or Eve
    assert again.planned.planned == 0 and {c.params["channel"] for c in fake_slack.calls("chat.postMessage")} == {
        "UBOB",
        "UCY",
        "UFAY",
    }


def test_the_behind_policy_leaves_reps_on_pace_alone(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session:
        schedules.update_schedule(session, asker=office["Ann"], changes={"nudges": "behind"}, now=MONDAY_0831)
    week_before = MONDAY_0831 - timedelta(days=7)
    for rep in (office["Bob"], office["Cy"]):
        daily_dials(sessions, office["Dee"], rep, 10, week_before)
    tuesday = MONDAY_0831 + timedelta(days=1)
    log(sessions, office["Bob"], {"dials": 10}, now=MONDAY_0831 + timedelta(hours=6))  # Bob did Monday's; Cy did not
    jobs.run("nudges", sessions, None, tuesday)
    nudges = {key for key in deliveries(sessions) if key.startswith("nudge:")}
    assert nudges == {f"nudge:{office['Cy'].rep_id}:2026-12-01"}


def test_a_nudge_after_the_working_day_is_skipped_not_sent(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    jobs.run("nudges", sessions, None, MONDAY_0831)  # planned, then the dispatcher was down all day
    evening = MONDAY_0831 + timedelta(hours=10)  # 18:31 in New York
    report = Dispatcher(sessions, notifier(fake_slack), clock=lambda: evening, owner="late").run()
    assert (report.sent, report.skipped) == (0, 3) and fake_slack.calls("chat.postMessage") == []
    assert all(d.last_error and d.last_error.startswith("too late") for d in deliveries(sessions).values())
    assert jobs.run("nudges", sessions, None, evening).planned.planned == 0  # and none planned that late


def test_pto_mute_deactivation_and_uninstalling_stop_nudges(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session:
        preferences.add_pto(
            session, rep=office["Bob"], first=date(2026, 11, 30), last=date(2026, 11, 30), now=MONDAY_0831
        )
        preferences.mute(session, rep=office["Cy"], until=MONDAY_0831 + timedelta(days=1), now=MONDAY_0831)
        session.execute(update(Rep).where(Rep.id == office["Fay"].rep_id).values(active=False))
    assert jobs.run("nudges", sessions, None, MONDAY_0831).planned.planned == 0
    with sessions.begin() as session:
        session.execute(update(Rep).values(active=True))
    with sessions.begin() as session:
        outbox.plan(
            session,
            [
                Planned(
                    office["Fay"].workspace_id,
                    "nudge",
                    "left-over",
                    Message("nudge", "t", "t"),
                    due_at=MONDAY_0831,
                    rep_id=office["Fay"].rep_id,
                )
            ],
            MONDAY_0831,
        )
        session.execute(update(Workspace).values(uninstalled_at=MONDAY_0831))
    assert jobs.run("nudges", sessions, None, MONDAY_0831).planned.planned == 0
    report = Dispatcher(sessions, notifier(fake_slack), clock=lambda: MONDAY_0831, owner="t").run()
    assert report.skipped == 1 and deliveries(sessions)["left-over"].last_error == "the workspace uninstalled Tally"


def test_a_message_sent_before_a_crash_is_found_not_sent_again(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    fake_slack.clock = lambda: MONDAY_0831.timestamp()  # Slack's clock, for its message timestamps
    jobs.run("nudges", sessions, None, MONDAY_0831)
    with sessions.begin() as session:  # one dispatcher claimed them all, sent Bob's, and died before recording
        claimed = outbox.claim(session, owner="dead", now=MONDAY_0831, lease=timedelta(seconds=30), limit=10)
    bob = next(item for item in claimed if item.user_id == "UBOB")
    notifier(fake_slack).send(Recipient("user", "UBOB"), Message.from_json(bob.payload), bob.id)
    later = MONDAY_0831 + timedelta(minutes=1)
    report = Dispatcher(sessions, notifier(fake_slack), clock=lambda: later, owner="next").run()
    assert report.sent == 3 and len(fake_slack.calls("chat.postMessage")) == 3  # Bob's found in history, not resent
    assert fake_slack.calls("conversations.history")


def test_celebrations_keep_privacy_and_can_hide_amounts(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session:
        preferences.set_privacy(session, rep=office["Cy"], hidden=True, now=MONDAY_0831)
        schedules.update_schedule(session, asker=office["Ann"], changes={"amounts": "hide"}, now=MONDAY_0831)
    cy = make_rep(sessions, user="UCY", name="Cy", team=fake_slack.team_id)
    with sessions.begin() as session:
        request = DealRequest(DealAction.WON, "Initech", date(2026, 11, 30), D(9_000))
        deals.log_deal(session, rep=cy, request=request, source=Platform.SLACK, now=MONDAY_0831)
    [won] = deliveries(sessions).values()
    assert won.channel_id == "CEAST" and won.payload["title"] == "🏆 A teammate won Initech"


def test_a_personal_best_needs_history_to_beat(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session:
        session.execute(update(Workspace).values(backdate_days=60))
    bob = make_rep(sessions, user="UBOB", name="Bob", team=fake_slack.team_id)
    for back in range(1, 11):
        log(sessions, bob, {"dials": 20 + back}, day=date(2026, 11, 30) - timedelta(days=back), now=MONDAY_0831)
    log(sessions, bob, {"dials": 30}, now=MONDAY_0831)
    assert not any(key.startswith("celebrate:best") for key in deliveries(sessions))  # 30 < 30 best: no
    log(sessions, bob, {"dials": 1}, now=MONDAY_0831)  # 31 beats 30
    best = [d for key, d in deliveries(sessions).items() if key.startswith("celebrate:best")]
    assert [d.payload["sections"][0]["lines"][0] for d in best] == ["31 dials in a day (the best before was 30)."]


def test_a_fan_out_issues_the_same_statements_for_3_or_63_reps(
    sessions: sessionmaker[Session], engine: Engine, fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    counts = []
    for day, extra in ((0, 0), (1, 60)):  # Monday with the office; Tuesday with 60 more reps
        for n in range(extra):
            make_rep(sessions, user=f"UX{n:03}", name=f"Extra {n:03}", team=fake_slack.team_id)
            fake_slack.add_user(f"UX{n:03}", f"Extra {n:03}", "America/New_York")
        at = MONDAY_0831 + timedelta(days=day)
        with db.statements(engine) as planning:
            jobs.run("nudges", sessions, None, at)
        with db.statements(engine) as sending:
            report = Dispatcher(sessions, notifier(fake_slack), clock=lambda at=at: at, owner="t").run()
        assert report.sent == 3 + extra
        counts.append((len(planning), len(sending)))
    assert counts[0] == counts[1], counts


def test_a_delivery_that_breaks_the_sender_ends_in_failures_not_a_loop(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session:
        outbox.plan(
            session,
            [
                Planned(
                    office["Bob"].workspace_id,
                    "nudge",
                    "broken",
                    Message("nudge", "t", "t"),
                    due_at=MONDAY_0831,
                    rep_id=office["Bob"].rep_id,
                )
            ],
            MONDAY_0831,
        )
        session.execute(update(Delivery).values(payload={"kind": "nudge"}))  # a row no sender can read
    policy = RetryPolicy(max_attempts=2, base=timedelta(0))
    for _ in range(2):
        Dispatcher(sessions, notifier(fake_slack), clock=lambda: MONDAY_0831, owner="t", policy=policy).run()
    broken = deliveries(sessions)["broken"]
    assert (broken.status, broken.attempts) == ("failed", 2) and "KeyError" in (broken.last_error or "")
    assert fake_slack.calls("chat.postMessage") == []
