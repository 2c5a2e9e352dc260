"""Scorecards: today and this week in the rep's own time zone, net of undos, with target progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from metrics.models import MetricDef, Target
from metrics.records import Platform, RepContext, Scorecard, WorkspaceDefaults
from metrics.services import scorecards, undo
from tests.factories import T0, log, make_rep


def card(sessions: sessionmaker[Session], rep: RepContext, now: datetime = T0) -> Scorecard:
    with sessions.begin() as session:
        return scorecards.scorecard(session, rep=rep, now=now)


def lines(scorecard: Scorecard) -> dict[str, tuple[int, int]]:
    return {line.metric.key: (line.today, line.week) for line in scorecard.lines}


def test_a_new_rep_has_an_empty_card(sessions: sessionmaker[Session]) -> None:
    scorecard = card(sessions, make_rep(sessions))
    assert scorecard.is_empty and scorecard.points_week == 0
    assert (scorecard.week_start, scorecard.week_end) == (date(2026, 11, 23), date(2026, 11, 29))


def test_totals_are_what_was_logged_minus_what_was_undone(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"dials": 12, "meetings": 3})
    mistake = log(sessions, rep, {"dials": 20})
    log(sessions, rep, {"dials": 8}, day=date(2026, 11, 24))  # Tuesday, same week
    log(sessions, rep, {"emails": 4}, day=date(2026, 11, 20))  # last week: not on this card
    with sessions.begin() as session:
        undo.undo_log(session, rep=rep, batch_id=mistake.batch_id, source=Platform.SLACK, now=T0)
    scorecard = card(sessions, rep)
    assert lines(scorecard) == {"dials": (12, 20), "meetings": (3, 3)}
    assert scorecard.points_today == Decimal(12 + 30) and scorecard.points_week == Decimal(20 + 30)


def test_a_log_at_2330_in_los_angeles_counts_for_that_local_day(sessions: sessionmaker[Session]) -> None:
    thursday_night = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # Thu 19 Nov 23:30 in Los Angeles
    rep = make_rep(sessions, tz="America/Los_Angeles", now=thursday_night)
    receipt = log(sessions, rep, {"dials": 9}, now=thursday_night)
    assert receipt.day == date(2026, 11, 19)
    assert lines(card(sessions, rep, thursday_night)) == {"dials": (9, 9)}
    friday_morning = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # Fri 08:00 in Los Angeles
    assert lines(card(sessions, rep, friday_morning)) == {"dials": (0, 9)}


def test_the_same_instant_is_a_different_day_for_reps_in_different_zones(sessions: sessionmaker[Session]) -> None:
    instant = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # Sunday night in London, Monday morning in Sydney
    london = make_rep(sessions, user="ULON", name="Lon", tz="Europe/London", now=instant)
    sydney = make_rep(sessions, user="USYD", name="Syd", tz="Australia/Sydney", now=instant)
    assert log(sessions, london, {"dials": 1}, now=instant).day == date(2026, 11, 22)
    assert log(sessions, sydney, {"dials": 1}, now=instant).day == date(2026, 11, 23)
    # London's Sunday belongs to the week that began Monday 16th; Sydney's Monday starts a new one.
    assert card(sessions, london, instant).week_start == date(2026, 11, 16)
    assert card(sessions, sydney, instant).week_start == date(2026, 11, 23)


def test_the_workspace_week_start_shapes_the_week(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions, defaults=WorkspaceDefaults(week_start=6))  # weeks run Sunday to Saturday
    log(sessions, rep, {"dials": 5}, day=date(2026, 11, 22))  # Sunday
    log(sessions, rep, {"dials": 1}, day=date(2026, 11, 21))  # Saturday: the previous week
    scorecard = card(sessions, rep)
    assert (scorecard.week_start, scorecard.week_end) == (date(2026, 11, 22), date(2026, 11, 28))
    assert lines(scorecard) == {"dials": (0, 5)}


def test_progress_shows_where_a_target_exists(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"dials": 45, "meetings": 2})
    with sessions.begin() as session:
        dials_id = session.query(MetricDef.id).filter_by(workspace_id=rep.workspace_id, key="dials").scalar()
        for kind, amount in (("day", 50), ("week", 200)):
            session.add(
                Target(
                    workspace_id=rep.workspace_id,
                    subject_kind="rep",
                    rep_id=rep.rep_id,
                    metric_id=dials_id,
                    period_kind=kind,
                    amount=Decimal(amount),
                    starts_on=date(2026, 11, 1),
                    created_at=T0,
                )
            )
    by_key = {line.metric.key: line for line in card(sessions, rep).lines}
    assert (by_key["dials"].target_today, by_key["dials"].progress_today) == (Decimal(50), Decimal("0.9"))
    assert (by_key["dials"].target_week, by_key["dials"].progress_week) == (Decimal(200), Decimal("0.225"))
    assert by_key["meetings"].target_today is None and by_key["meetings"].progress_today is None


def test_one_rep_never_sees_anothers_numbers(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions)
    bob = make_rep(sessions, user="UBOB", name="Bob")
    elsewhere = make_rep(sessions, team="T2", user="UALICE", name="Alice at another company")
    log(sessions, alice, {"dials": 12})
    assert card(sessions, bob).is_empty and card(sessions, elsewhere).is_empty


def test_backdated_logs_count_on_their_own_day(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"talk_minutes": 45}, day=T0.date() - timedelta(days=1))
    assert lines(card(sessions, rep)) == {"talk_minutes": (0, 45)}
