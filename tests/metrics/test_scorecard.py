"""Scorecards: a window in the rep's own time zone, net of undos, against prorated targets, with pace and score."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from metrics.errors import NotAllowed
from metrics.models import MetricDef, Pto, Rep, Target, Team, Workspace
from metrics.periods import PeriodKind
from metrics.records import Platform, RepContext, WorkspaceDefaults
from metrics.score_records import Scorecard
from metrics.services import scorecards, undo
from tests.factories import T0, log, make_rep

D = Decimal


def card(
    sessions: sessionmaker[Session],
    rep: RepContext,
    now: datetime = T0,
    window: PeriodKind = PeriodKind.WEEK,
    rep_id: int | None = None,
) -> Scorecard:
    with sessions.begin() as session:
        return scorecards.scorecard(session, asker=rep, now=now, window=window, rep_id=rep_id)


def actuals(scorecard: Scorecard) -> dict[str, Decimal]:
    return {line.metric.key: line.actual for line in scorecard.numbers.lines}


def target(
    sessions: sessionmaker[Session], rep: RepContext, key: str, kind: str, amount: int, stretch: bool = False
) -> None:
    with sessions.begin() as session:
        metric_id = session.query(MetricDef.id).filter_by(workspace_id=rep.workspace_id, key=key).scalar()
        session.add(
            Target(
                workspace_id=rep.workspace_id,
                subject_kind="rep",
                rep_id=rep.rep_id,
                metric_id=metric_id,
                period_kind=kind,
                amount=D(amount),
                starts_on=date(2026, 1, 1),
                stretch=stretch,
                created_at=T0,
            )
        )


def test_a_new_rep_has_an_empty_card(sessions: sessionmaker[Session]) -> None:
    scorecard = card(sessions, make_rep(sessions))
    assert scorecard.is_empty and scorecard.numbers.score is None and scorecard.numbers.points == 0
    assert (scorecard.window.start, scorecard.window.last_day) == (date(2026, 11, 23), date(2026, 11, 29))


def test_totals_are_what_was_logged_minus_what_was_undone(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"dials": 12, "meetings": 3})
    mistake = log(sessions, rep, {"dials": 20})
    log(sessions, rep, {"dials": 8}, day=date(2026, 11, 24))  # Tuesday, same week
    log(sessions, rep, {"emails": 4}, day=date(2026, 11, 20))  # last week
    with sessions.begin() as session:
        undo.undo_log(session, rep=rep, batch_id=mistake.batch_id, source=Platform.SLACK, now=T0)
    week = card(sessions, rep)
    assert actuals(week) == {"dials": 20, "meetings": 3}
    assert week.numbers.points == D(20 + 30)
    assert {line.metric.key: line.actual for line in week.today_totals} == {"dials": 12, "meetings": 3}
    assert actuals(card(sessions, rep, window=PeriodKind.MONTH)) == {"dials": 20, "meetings": 3, "emails": 4}


def test_a_log_at_2330_in_los_angeles_counts_for_that_local_day(sessions: sessionmaker[Session]) -> None:
    thursday_night = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # Thu 19 Nov 23:30 in Los Angeles
    rep = make_rep(sessions, tz="America/Los_Angeles", now=thursday_night)
    assert log(sessions, rep, {"dials": 9}, now=thursday_night).day == date(2026, 11, 19)
    assert actuals(card(sessions, rep, thursday_night, PeriodKind.DAY)) == {"dials": 9}
    friday_morning = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert actuals(card(sessions, rep, friday_morning, PeriodKind.DAY)) == {}
    assert actuals(card(sessions, rep, friday_morning)) == {"dials": 9}


def test_the_workspace_week_start_shapes_the_week(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions, defaults=WorkspaceDefaults(week_start=6))
    log(sessions, rep, {"dials": 5}, day=date(2026, 11, 22))  # Sunday
    log(sessions, rep, {"dials": 1}, day=date(2026, 11, 21))  # Saturday: the previous week
    scorecard = card(sessions, rep)
    assert (scorecard.window.start, scorecard.window.last_day) == (date(2026, 11, 22), date(2026, 11, 28))
    assert actuals(scorecard) == {"dials": 5}


def test_daily_targets_count_on_working_days_only_and_pace_follows(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)  # Mon–Fri, New York; T0 is Thu 26 Nov 10:00 local
    with sessions.begin() as session:
        session.execute(update(Workspace).values(holiday_country="US"))  # Thanksgiving: the 26th is a holiday
    target(sessions, rep, "dials", "day", 50)
    log(sessions, rep, {"dials": 100}, day=date(2026, 11, 23))
    log(sessions, rep, {"dials": 60}, day=date(2026, 11, 24))
    line = card(sessions, rep).numbers.lines[0]
    assert line.target == D(200)  # Mon, Tue, Wed, Fri: four working days this week
    assert line.attainment == D("0.8") and line.pace is not None
    assert line.pace.expected == D(150)  # three of the four working days are over (the holiday is not one)
    assert line.pace.ahead_by == D(10)
    assert card(sessions, rep).working_day is False


def test_pto_lowers_a_monthly_target_by_its_share(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    target(sessions, rep, "meetings", "month", 42)  # November 2026 has 21 weekdays
    with sessions.begin() as session:
        session.add(
            Pto(
                workspace_id=rep.workspace_id,
                rep_id=rep.rep_id,
                first_day=date(2026, 11, 2),
                last_day=date(2026, 11, 6),
                created_at=T0,
            )
        )
    month = card(sessions, rep, window=PeriodKind.MONTH).numbers.lines[0]
    assert month.target == D(32)  # 16 of 21 working days: 42 × 16 ÷ 21
    week = card(sessions, rep).numbers.lines[0]
    assert week.target == D(10)  # 5 working days this week, 2 a day


def test_a_ramp_counts_targets_at_its_percentage(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    target(sessions, rep, "dials", "day", 50)
    with sessions.begin() as session:
        session.execute(
            update(Rep).where(Rep.id == rep.rep_id).values(ramp_percent=D("0.5"), ramp_until=date(2026, 11, 24))
        )
    assert card(sessions, rep).numbers.lines[0].target == D(25 + 25 + 50 + 50 + 50)


def test_score_next_step_and_stretch_goal(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    target(sessions, rep, "dials", "week", 50)
    target(sessions, rep, "meetings", "week", 4)
    target(sessions, rep, "dials", "week", 80, stretch=True)
    log(sessions, rep, {"dials": 50, "meetings": 2})
    numbers = card(sessions, rep).numbers
    # weights are points per unit: dials 1 × 100 % and meetings 10 × 50 % → (1 + 5) ÷ 11
    assert numbers.score == D(600) / D(11)
    dials = next(line for line in numbers.lines if line.metric.key == "dials")
    assert dials.stretch == D(80) and dials.target == D(50)
    assert numbers.next_step is not None and (numbers.next_step.metric_key, numbers.next_step.units) == ("meetings", 2)
    assert numbers.next_step.reaches_full_score


def test_rank_in_the_team_and_who_may_see_whose_card(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions, user="UALICE", name="Alice")
    bob = make_rep(sessions, user="UBOB", name="Bob")
    with sessions.begin() as session:
        team = Team(workspace_id=alice.workspace_id, name="East", created_at=T0, manager_rep_id=None)
        session.add(team)
        session.flush()
        session.execute(update(Rep).values(team_id=team.id))
    for rep, dials in ((alice, 30), (bob, 60)):
        target(sessions, rep, "dials", "week", 60)
        log(sessions, rep, {"dials": dials})
    assert card(sessions, alice).rank is not None and card(sessions, alice).rank.position == 2  # type: ignore[union-attr]
    with pytest.raises(NotAllowed):
        card(sessions, alice, rep_id=bob.rep_id)


def test_a_streak_counts_working_days_on_which_daily_targets_were_met(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    target(sessions, rep, "dials", "day", 10)
    for day in (date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)):
        log(sessions, rep, {"dials": 10}, day=day, now=T0 - timedelta(days=1) if day > date(2026, 11, 18) else T0)
    assert card(sessions, rep).streak == 5  # Thursday not met yet: the streak runs to yesterday
    log(sessions, rep, {"dials": 10})
    assert card(sessions, rep).streak == 6
