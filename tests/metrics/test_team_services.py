"""Roles, teams, the audit log, targets, PTO, mute and privacy, standings, plans and funnels: the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from metrics.deal_records import Audience, DealAction, DealRequest
from metrics.errors import DomainError, NotAllowed, UnknownRep, UsageError
from metrics.models import Rep, Workspace
from metrics.periods import PeriodKind
from metrics.records import Platform, RepContext, Role
from metrics.services import (
    admin,
    audit,
    deals,
    funnel,
    planning,
    preferences,
    standings,
    suggestions,
    targets,
    teams,
)
from metrics.services.targets import Subject
from tests.factories import T0, log, make_office, make_rep

D = Decimal
MONDAY = T0 - timedelta(days=3)


def set_target(
    session: Session,
    asker: RepContext,
    amount: Decimal,
    metric: str,
    *,
    kind: PeriodKind = PeriodKind.DAY,
    subject: Subject = Subject.REP,
    rep_id: int | None = None,
    now: datetime = T0,
) -> targets.TargetView:
    return targets.set_target(
        session,
        asker=asker,
        subject=subject,
        metric_key=metric,
        amount=amount,
        period_kind=kind,
        now=now,
        rep_id=rep_id,
    )


def ctx(sessions: sessionmaker[Session], rep: RepContext) -> RepContext:
    """The rep as they are now (role and team change)."""
    return make_rep(sessions, user=f"U{rep.display_name.upper()}", name=rep.display_name)


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, RepContext]:
    return make_office(sessions)


def test_setup_makes_one_admin_and_refuses_the_next(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    assert office["Ann"].role is Role.ADMIN and office["Dee"].role is Role.MANAGER
    with sessions.begin() as session, pytest.raises(NotAllowed, match="already set up"):
        admin.setup(session, asker=office["Bob"], platform_admin=False, now=T0)
    with sessions.begin() as session:
        assert "now an admin" in admin.setup(session, asker=office["Bob"], platform_admin=True, now=T0)


def test_only_admins_administer_and_the_last_admin_stays(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session, pytest.raises(NotAllowed):
        teams.create_team(session, asker=office["Dee"], name="North", channel_id=None, now=T0)
    with sessions.begin() as session, pytest.raises(NotAllowed):
        admin.set_role(
            session, asker=office["Dee"], rep_id=office["Bob"].rep_id, role=Role.ADMIN, team_name=None, now=T0
        )
    with sessions.begin() as session, pytest.raises(NotAllowed, match="without an admin"):
        admin.set_role(session, asker=office["Ann"], rep_id=office["Ann"].rep_id, role=Role.REP, team_name=None, now=T0)
    with sessions.begin() as session, pytest.raises(NotAllowed):
        teams.add_to_team(session, asker=office["Eve"], rep_ids=[office["Bob"].rep_id], team_name="East", now=T0)


def test_every_change_is_in_the_audit_log(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    with sessions.begin() as session:
        set_target(session, office["Dee"], D(50), "dials", rep_id=office["Bob"].rep_id)
        admin.set_weights(session, asker=office["Ann"], weights={"meetings": D(12)}, now=T0)
    with sessions.begin() as session:
        summaries = [entry.summary for entry in audit.recent(session, office["Ann"].workspace_id)]
    assert "Bob: 50 dials a day (was none)" in summaries and "weights meetings=12" in summaries
    assert "created team East posting to <#CEAST>" in summaries and "Dee is now a manager of East" in summaries


def test_targets_replace_clear_and_list(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    dee, bob = office["Dee"], office["Bob"]

    def set_dials(amount: int, day: date) -> None:
        with sessions.begin() as session:
            set_target(session, dee, D(amount), "dials", rep_id=bob.rep_id, now=T0 + (day - T0.date()))

    set_dials(50, T0.date() - timedelta(days=3))
    set_dials(60, T0.date())
    with sessions.begin() as session:
        listed = targets.list_targets(session, asker=dee, now=T0, rep_id=bob.rep_id)
        assert [(view.metric.key, view.amount) for view in listed] == [("dials", D(60))]
        assert targets.clear_targets(session, asker=dee, subject=Subject.REP, now=T0, rep_id=bob.rep_id) == 1
    with sessions.begin() as session:
        assert targets.list_targets(session, asker=bob, now=T0) == []


def test_who_may_set_and_see_targets(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    outsider = make_rep(sessions, team="TOTHER", user="UOUT", name="Out")
    for asker, allowed in ((office["Dee"], True), (office["Ann"], True), (office["Eve"], False), (office["Cy"], False)):
        with sessions.begin() as session:
            if allowed:
                set_target(session, asker, D(10), "dials", kind=PeriodKind.WEEK, rep_id=office["Bob"].rep_id)
            else:
                with pytest.raises(NotAllowed):
                    set_target(session, asker, D(10), "dials", kind=PeriodKind.WEEK, rep_id=office["Bob"].rep_id)
    with sessions.begin() as session, pytest.raises(UnknownRep):
        set_target(session, office["Ann"], D(10), "dials", kind=PeriodKind.WEEK, rep_id=outsider.rep_id)
    with sessions.begin() as session:
        own = set_target(session, office["Cy"], D(99), "dials", subject=Subject.ME)
    assert own.stretch


def test_suggest_is_the_80th_percentile_of_twelve_weeks(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    bob = office["Bob"]
    monday = date(2026, 11, 23)
    for week, dials in enumerate([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120], start=1):
        log(sessions, bob, {"dials": dials}, day=monday - timedelta(weeks=week), now=T0)
    with sessions.begin() as session:
        suggestion = suggestions.suggest(session, asker=office["Dee"], rep_id=bob.rep_id, metric_key="dials", now=T0)
    assert suggestion.per_week == 98  # quantiles(n=5, inclusive)[3] of 10..120: 98


def test_pto_mute_and_privacy(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    bob = office["Bob"]
    with sessions.begin() as session:
        first = preferences.add_pto(session, rep=bob, first=date(2026, 12, 24), last=date(2026, 12, 31), now=T0)
        preferences.add_pto(session, rep=bob, first=date(2027, 1, 4), last=date(2027, 1, 4), now=T0)
        with pytest.raises(UsageError, match="ends on or after"):
            preferences.add_pto(session, rep=bob, first=date(2026, 12, 31), last=date(2026, 12, 24), now=T0)
    with sessions.begin() as session:
        assert len(preferences.list_pto(session, rep=bob, now=T0)) == 2
        preferences.cancel_pto(session, rep=bob, number=first.number, now=T0)
    with sessions.begin() as session:
        assert [(p.first_day, p.last_day) for p in preferences.list_pto(session, rep=bob, now=T0)] == [
            (date(2027, 1, 4),) * 2
        ]
        preferences.mute(session, rep=bob, until=T0 + timedelta(days=3), now=T0)
        preferences.set_privacy(session, rep=bob, hidden=True, now=T0)
        with pytest.raises(UsageError):
            preferences.mute(session, rep=bob, until=T0 - timedelta(days=1), now=T0)
    with sessions.begin() as session:
        row = session.get_one(Rep, bob.rep_id)
        assert row.hidden and row.mute_until == T0 + timedelta(days=3)


def test_standings_rank_by_own_target_and_hide_whoever_asks(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    dee, bob, cy = office["Dee"], office["Bob"], office["Cy"]
    with sessions.begin() as session:
        for rep, amount in ((bob, 100), (cy, 20)):  # set on Monday, so in force all week
            set_target(session, dee, D(amount), "dials", kind=PeriodKind.WEEK, rep_id=rep.rep_id, now=MONDAY)
        preferences.set_privacy(session, rep=bob, hidden=True, now=T0)
    log(sessions, bob, {"dials": 60})  # 60 of 100
    log(sessions, cy, {"dials": 20})  # 20 of 20: a part-timer at 100 % ranks first
    with sessions.begin() as session:
        seen_by_cy = standings.standings(session, asker=cy, now=T0)
        seen_by_dee = standings.standings(session, asker=dee, now=T0)
        by_dials = standings.standings(session, asker=cy, now=T0, ranked_by="dials")
    assert [(row.position, row.label) for row in seen_by_cy.rows[:2]] == [(1, "Cy"), (2, "a teammate")]
    assert [row.label for row in seen_by_dee.rows[:2]] == ["Cy", "Bob"]
    assert [(row.label, row.actual, row.target) for row in by_dials.rows[:2]] == [
        ("Cy", 20, 20),
        ("a teammate", 60, 100),
    ]
    with sessions.begin() as session:
        admin.set_visibility(session, asker=office["Ann"], metric_key="dials", managers_only=True, now=T0)
    with sessions.begin() as session, pytest.raises(NotAllowed):
        standings.standings(session, asker=cy, now=T0, ranked_by="dials")


def test_team_targets_are_shown_against_the_team(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    with sessions.begin() as session:
        set_target(session, office["Dee"], D(10), "meetings", kind=PeriodKind.WEEK, subject=Subject.TEAM, now=MONDAY)
    log(sessions, office["Bob"], {"meetings": 3})
    log(sessions, office["Cy"], {"meetings": 2})
    with sessions.begin() as session:
        board = standings.standings(session, asker=office["Cy"], now=T0)
    assert [(line.metric.key, line.actual, line.target) for line in board.team_lines] == [("meetings", 5, 10)]


def won(sessions: sessionmaker[Session], rep: RepContext, amount: int, days_ago: int) -> None:
    with sessions.begin() as session:
        deals.log_deal(
            session,
            rep=rep,
            request=DealRequest(DealAction.WON, f"A{days_ago}", T0.date() - timedelta(days=days_ago), D(amount)),
            source=Platform.SLACK,
            now=T0,
        )


def test_the_articles_plan_with_given_rates(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    request = planning.PlanInput(
        D(5_000_000), PeriodKind.YEAR, Audience.EVERYONE, deal_size=D(100_000), win_rate=D("0.25")
    )
    with sessions.begin() as session:
        plan = planning.plan(session, asker=office["Ann"], request=request, now=T0)
    assert (plan.result.totals["deals"], plan.result.totals["opportunities"]) == (50, 200)
    assert plan.deal_size.source == "given" and plan.result.totals["meetings"] is None  # no history of meetings


def test_a_plan_from_history_and_its_application(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    bob, dee = office["Bob"], office["Dee"]
    for days_ago in (20, 40):
        won(sessions, bob, 10_000, days_ago)
    log(
        sessions,
        bob,
        {"dials": 100, "conversations": 20, "meetings": 8, "opportunities": 4},
        day=T0.date() - timedelta(days=2),
    )
    with sessions.begin() as session:
        deals.log_deal(
            session,
            rep=bob,
            request=DealRequest(DealAction.OPEN, "Lost Co", T0.date() - timedelta(days=5), D(1)),
            source=Platform.SLACK,
            now=T0,
        )
        deals.log_deal(
            session,
            rep=bob,
            request=DealRequest(DealAction.LOST, "Lost Co", T0.date() - timedelta(days=5)),
            source=Platform.SLACK,
            now=T0,
        )
    with sessions.begin() as session:
        plan = planning.plan(session, asker=dee, request=planning.PlanInput(D(100_000), PeriodKind.QUARTER), now=T0)
    assert plan.deal_size.value == D(10_000) and plan.win_rate.value == D(2) / D(3)
    # opening Lost Co counted one opportunity too: 5 opportunities from 8 meetings
    assert plan.stage_rates["opportunities"].value == D("0.625") and plan.stage_rates["conversations"].value == D("0.2")
    totals = plan.result.totals
    # $100k − $20k won this quarter = $80k → 8 deals → 12 opps (÷ 2/3) → 20 meetings (÷ 0.625, up from 19.2)
    # → 50 conversations (÷ 0.4) → 250 dials (÷ 0.2)
    assert [totals[s] for s in ("deals", "opportunities", "meetings", "conversations", "dials")] == [8, 12, 20, 50, 250]
    with sessions.begin() as session:
        reps, count = planning.apply_latest(session, asker=dee, now=T0)
    assert plan.reps == 2 and reps == 2 and count == 8  # Bob and Cy (not Dee, their manager) × 4 stages
    with sessions.begin() as session, pytest.raises(NotAllowed):
        planning.plan(
            session,
            asker=office["Eve"],
            request=planning.PlanInput(D(1), PeriodKind.YEAR, Audience.REP, rep_id=bob.rep_id),
            now=T0,
        )


def test_a_plan_without_history_refuses_clearly(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    with sessions.begin() as session, pytest.raises(DomainError, match=r"average deal size .* and a win rate"):
        planning.plan(session, asker=office["Fay"], request=planning.PlanInput(D(10_000), PeriodKind.MONTH), now=T0)


def test_the_funnel_flags_where_a_rep_loses_most(
    sessions: sessionmaker[Session], office: dict[str, RepContext]
) -> None:
    log(sessions, office["Bob"], {"dials": 100, "conversations": 30, "meetings": 3})  # conversations → meetings: 10 %
    log(sessions, office["Cy"], {"dials": 100, "conversations": 10, "meetings": 5})  # dials → conversations: 10 %
    log(sessions, office["Dee"], {"dials": 100, "conversations": 20, "meetings": 4})
    period = __import__("metrics.periods", fromlist=["month_period"]).month_period(T0.date())
    with sessions.begin() as session:
        by_manager = funnel.funnel(session, asker=office["Dee"], period=period, now=T0)
        by_rep = funnel.funnel(session, asker=office["Cy"], period=period, now=T0)
    weakest = {row.name: row.weakest for row in by_manager.rows}
    assert weakest["Bob"] == "conversations → meetings" and weakest["Cy"] == "dials → conversations"
    assert by_manager.medians["dials → conversations"] == D("0.2")
    assert [row.name for row in by_rep.rows] == ["Cy"]


def test_settings_change_the_calendar(sessions: sessionmaker[Session], office: dict[str, RepContext]) -> None:
    with sessions.begin() as session:
        text = admin.update_workspace(session, asker=office["Ann"], now=T0, work_days="01236", holidays=("IL", None))
    assert "Sun, Mon, Tue, Wed, Thu" not in text and "work week" in text
    with sessions.begin() as session:
        workspace = session.scalars(select(Workspace)).one()
        assert (workspace.work_days, workspace.holiday_country) == ("01236", "IL")
        with pytest.raises(UsageError, match=r"(?i)unknown holiday country"):
            admin.update_workspace(session, asker=office["Ann"], now=T0, holidays=("XX", None))
        with pytest.raises(NotAllowed):
            admin.update_workspace(session, asker=office["Bob"], now=T0, timezone="UTC")
    with sessions.begin() as session:
        session.execute(update(Rep).values(team_id=None))
