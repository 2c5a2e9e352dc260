"""Regressions for the defects a review of targets, standings, plans and funnels found: each failed before its fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.target_grammar import SetTarget, parse_target
from metrics.catalog import DEFAULT_METRICS
from metrics.deal_records import DealAction, DealRequest
from metrics.errors import UsageError
from metrics.models import Rep, Team
from metrics.pace import next_step
from metrics.periods import PeriodKind, week_period
from metrics.records import Platform, RepContext, Role
from metrics.services import (
    admin,
    calendars,
    dashboard,
    deals,
    funnel,
    planning,
    preferences,
    scorecards,
    standings,
    targets,
    teams,
)
from metrics.services.targets import Subject
from tests.factories import T0, log, make_office, make_rep

D = Decimal
MONDAY = datetime(2026, 11, 23, 15, tzinfo=UTC)


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, RepContext]:
    return make_office(sessions)


def target(
    sessions: sessionmaker[Session], asker: RepContext, amount: int, metric: str, kind: PeriodKind, **more: object
) -> None:
    with sessions.begin() as session:
        targets.set_target(
            session,
            asker=asker,
            amount=D(amount),
            metric_key=metric,
            period_kind=kind,
            subject=more.pop("subject", Subject.REP),
            now=more.pop("now", T0),
            **more,  # type: ignore[arg-type]
        )


def won(sessions: sessionmaker[Session], rep: RepContext, account: str, amount: int) -> None:
    with sessions.begin() as session:
        request = DealRequest(DealAction.WON, account, T0.date(), D(amount))
        deals.log_deal(session, rep=rep, request=request, source=Platform.SLACK, now=T0)


def test_team_revenue_and_deals_count_every_win_not_only_reps_with_targets(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    won(sessions, office["Bob"], "Acme", 12_000)
    won(sessions, office["Cy"], "Globex", 8_000)
    target(sessions, office["Dee"], 100_000, "revenue", PeriodKind.MONTH, subject=Subject.TEAM)
    target(sessions, office["Dee"], 5, "deals", PeriodKind.MONTH, subject=Subject.TEAM)
    with sessions.begin() as session:
        board = standings.standings(session, asker=office["Cy"], now=T0, window=PeriodKind.MONTH)
    assert {line.metric.key: line.actual for line in board.team_lines} == {"revenue": D(20_000), "deals": D(2)}


def test_a_target_changed_mid_week_counts_each_amount_on_its_own_days(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    bob, dee = office["Bob"], office["Dee"]
    target(sessions, dee, 10, "dials", PeriodKind.DAY, rep_id=bob.rep_id, now=MONDAY)
    for day in range(3):  # Mon, Tue, Wed: 10 dials each, every daily target met
        log(sessions, bob, {"dials": 10}, day=MONDAY.date() + timedelta(days=day), now=T0)
    target(sessions, dee, 100, "dials", PeriodKind.DAY, rep_id=bob.rep_id, now=T0)  # Thursday
    with sessions.begin() as session:
        card = scorecards.scorecard(session, asker=bob, now=T0)
    assert card.numbers.lines[0].target == D(10 * 3 + 100 * 2) and card.streak == 3
    with sessions.begin() as session:
        targets.clear_targets(session, asker=dee, subject=Subject.REP, now=T0 + timedelta(days=1), rep_id=bob.rep_id)
    with sessions.begin() as session:
        friday = scorecards.scorecard(session, asker=bob, now=T0 + timedelta(days=1))
    assert friday.numbers.lines[0].target == D(10 * 3 + 100)  # cleared from Friday, still counted Mon–Thu


def test_a_target_set_today_in_auckland_counts_on_the_week_card_at_once(sessions: sessionmaker[Session]) -> None:
    at = datetime(2026, 11, 30, 19, tzinfo=UTC)  # Tue 1 Dec, 08:00 in Auckland; still Monday in UTC
    boss = make_rep(sessions, user="UKIA", name="Kia", tz="Pacific/Auckland", team="T0NZ", now=at)
    with sessions.begin() as session:
        admin.setup(session, asker=boss, platform_admin=True, now=at)
    rep = make_rep(sessions, user="UMERE", name="Mere", tz="Pacific/Auckland", team="T0NZ", now=at)
    boss = make_rep(sessions, user="UKIA", name="Kia", tz="Pacific/Auckland", team="T0NZ", now=at)
    target(sessions, boss, 50, "dials", PeriodKind.DAY, rep_id=rep.rep_id, now=at)
    with sessions.begin() as session:
        card = scorecards.scorecard(session, asker=rep, now=at)
    assert card.numbers.score is not None and card.numbers.lines[0].target == D(50 * 4)  # Tue–Fri


def test_no_team_no_board_and_several_teams_are_named(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    gil = make_rep(sessions, user="UGIL", name="Gil")
    with sessions.begin() as session, pytest.raises(UsageError, match="not in a team yet"):
        standings.standings(session, asker=gil, now=T0)
    with sessions.begin() as session:
        assert dashboard.dashboard(session, asker=gil, now=T0).board is None
        session.scalars(select(Team).where(Team.name == "West")).one().manager_rep_id = office["Dee"].rep_id
        session.get_one(Rep, office["Dee"].rep_id).team_id = None  # Dee manages East and West, belongs to neither
    dee = make_rep(sessions, user="UDEE", name="Dee")
    with sessions.begin() as session, pytest.raises(UsageError, match="You manage East, West"):
        standings.standings(session, asker=dee, now=T0)
    with sessions.begin() as session:
        assert standings.standings(session, asker=dee, now=T0, team_name="West").title == "West"


def test_a_manager_only_metric_stays_off_the_team_line_for_reps_and_channels(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session:
        admin.set_visibility(session, asker=office["Ann"], metric_key="meetings", managers_only=True, now=T0)
    target(sessions, office["Dee"], 20, "meetings", PeriodKind.WEEK, subject=Subject.TEAM)
    log(sessions, office["Bob"], {"meetings": 4})
    with sessions.begin() as session:
        seen_by_cy = standings.standings(session, asker=office["Cy"], now=T0)
        posted = standings.standings(session, asker=office["Dee"], now=T0, public=True)
        seen_by_dee = standings.standings(session, asker=office["Dee"], now=T0)
    assert seen_by_cy.team_lines == () and posted.team_lines == ()
    assert [line.actual for line in seen_by_dee.team_lines] == [D(4)]


def test_a_manager_made_a_rep_manages_no_team(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    with sessions.begin() as session:
        text = admin.set_role(
            session, asker=office["Ann"], rep_id=office["Dee"].rep_id, role=Role.REP, team_name=None, now=T0
        )
        assert "no longer managing East" in text
        assert session.scalars(select(Team.manager_rep_id).where(Team.name == "East")).one() is None


def test_holidays_none_for_me_means_none(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    with sessions.begin() as session:
        admin.update_workspace(session, asker=office["Ann"], now=T0, holidays=("US", None))
        preferences.update_own_settings(session, rep=office["Bob"], now=T0, holidays=(None, None))
    with sessions.begin() as session:
        calendar = calendars.calendars(session, office["Bob"].workspace_id, [office["Bob"].rep_id])
    assert calendar[office["Bob"].rep_id].holiday_country is None  # not the workspace's US


def test_a_team_target_can_name_its_team(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    parsed = parse_target("team east 200 meetings month", metrics=DEFAULT_METRICS, mentioned=False)
    assert parsed == SetTarget(Subject.TEAM, D(200), "meetings", PeriodKind.MONTH, "east")
    target(sessions, office["Ann"], 200, "meetings", PeriodKind.MONTH, subject=Subject.TEAM, team_name="east")


@pytest.mark.parametrize("weight", ["nan", "inf", "0.001", "-1"])
def test_strange_weights_are_refused(
    sessions: sessionmaker[Session], office: dict[str, RepContext], weight: str
) -> None:
    with sessions.begin() as session, pytest.raises(UsageError, match="A weight is from 0"):
        admin.set_weights(session, asker=office["Ann"], weights={"meetings": D(weight)}, now=T0)


@pytest.mark.parametrize(
    ("amount", "metric", "kind"),
    [(10**15, "dials", PeriodKind.DAY), (501, "dials", PeriodKind.DAY), (2 * 10**12, "revenue", PeriodKind.YEAR)],
)
def test_impossible_targets_are_refused(
    sessions: sessionmaker[Session], office: dict[str, RepContext], amount: int, metric: str, kind: PeriodKind
) -> None:
    with pytest.raises(UsageError, match="more than Tally takes"):
        target(sessions, office["Dee"], amount, metric, kind, rep_id=office["Bob"].rep_id)


def test_a_plan_asking_the_impossible_is_not_applied(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    request = planning.PlanInput(
        D(10**9),
        PeriodKind.MONTH,
        deal_size=D(1_000),
        win_rate=D("0.01"),
        rates={"opportunities": D("0.5"), "meetings": D("0.5"), "conversations": D("0.5")},
    )
    with sessions.begin() as session:
        planning.plan(session, asker=office["Dee"], request=request, now=T0)
    with sessions.begin() as session, pytest.raises(UsageError, match="more than anyone logs"):
        planning.apply_latest(session, asker=office["Dee"], now=T0)


def test_a_named_rep_of_another_team_has_a_funnel_row(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    log(sessions, office["Fay"], {"dials": 30, "conversations": 6})
    with sessions.begin() as session:
        teams.add_to_team(session, asker=office["Ann"], rep_ids=[office["Ann"].rep_id], team_name="East", now=T0)
    ann = make_rep(sessions, user="UANN", name="Ann")
    with sessions.begin() as session:
        view = funnel.funnel(session, asker=ann, period=week_period(T0.date()), now=T0, rep_id=office["Fay"].rep_id)
    assert [row.name for row in view.rows] == ["Fay"] and view.rows[0].counts["dials"] == 30


def test_the_cards_rank_breaks_ties_as_the_standings_do(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    for name in ("Bob", "Cy"):
        target(sessions, office["Dee"], 10, "dials", PeriodKind.DAY, rep_id=office[name].rep_id, now=MONDAY)
    log(sessions, office["Bob"], {"dials": 10})
    log(sessions, office["Cy"], {"dials": 10, "meetings": 1})  # same score, more points
    with sessions.begin() as session:
        card = scorecards.scorecard(session, asker=office["Bob"], now=T0, window=PeriodKind.DAY)
        board = standings.standings(session, asker=office["Bob"], now=T0, window=PeriodKind.DAY)
    assert [row.label for row in board.rows[:2]] == ["Cy", "Bob"] and card.rank is not None and card.rank.position == 2


def test_a_target_on_a_metric_worth_no_points_still_makes_a_score(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    target(sessions, office["Dee"], 120, "talk_minutes", PeriodKind.DAY, rep_id=office["Bob"].rep_id)
    log(sessions, office["Bob"], {"talk_minutes": 45})
    with sessions.begin() as session:
        card = scorecards.scorecard(session, asker=office["Bob"], now=T0, window=PeriodKind.DAY)
    assert card.numbers.score == D("37.5")


def test_the_next_step_knows_the_cap_and_a_full_score() -> None:
    above = next_step([("dials", 5, D(10), D(1)), ("meetings", 6, D(4), D(10))])
    assert above is not None and not above.reaches_full_score and above.units == 5  # already past 100: to target
    capped = next_step([("dials", 0, D(300), D(1)), ("meetings", 0, D(4), D(10))])
    assert capped is not None and (capped.metric_key, capped.units, capped.reaches_full_score) == ("meetings", 5, True)


def test_pace_follows_the_days_a_target_was_in_force(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    target(sessions, office["Dee"], 10, "dials", PeriodKind.DAY, rep_id=office["Bob"].rep_id)  # from Thursday
    friday_1pm = datetime(2026, 11, 27, 18, tzinfo=UTC)  # 13:00 in New York: half of a 9-to-5 day
    with sessions.begin() as session:
        card = scorecards.scorecard(session, asker=office["Bob"], now=friday_1pm)
    line = card.numbers.lines[0]
    assert line.target == D(20) and line.pace is not None and line.pace.expected == D(15)  # not 90 % of the week's
