"""KPI cards: the asker's own, another rep's (managers and admins only), a team's, everyone's."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from metrics.deal_records import Audience, DealAction, DealRequest
from metrics.errors import NotAllowed, UnknownRep
from metrics.models import Rep, Team
from metrics.periods import PeriodKind, period_containing
from metrics.records import Platform, RepContext
from metrics.services import deals, kpi_cards, scorecards
from tests.factories import T0, make_office, make_rep

D = Decimal
QUARTER = period_containing("quarter", date(2026, 11, 26))


def won(sessions: sessionmaker[Session], rep: RepContext, account: str, amount: int, cost: int | None = None) -> None:
    request = DealRequest(
        DealAction.WON, account, rep.today(T0) - timedelta(days=1), D(amount), None if cost is None else D(cost)
    )
    with sessions.begin() as session:
        deals.log_deal(session, rep=rep, request=request, source=Platform.SLACK, now=T0)


def card(sessions: sessionmaker[Session], asker: RepContext, audience: Audience, rep_id: int | None = None) -> object:
    with sessions.begin() as session:
        return kpi_cards.kpi_card(session, asker=asker, audience=audience, period=QUARTER, now=T0, rep_id=rep_id)


def promote(sessions: sessionmaker[Session], rep: RepContext, role: str) -> RepContext:
    with sessions.begin() as session:
        session.execute(update(Rep).where(Rep.id == rep.rep_id).values(role=role))
    return make_rep(sessions, user=f"U{rep.display_name.upper()}", name=rep.display_name)


def test_my_card_counts_only_my_deals(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions, user="UALICE", name="Alice")
    bob = make_rep(sessions, user="UBOB", name="Bob")
    won(sessions, alice, "Acme", 10_000, cost=4_000)
    won(sessions, bob, "Globex", 2_000)
    mine = card(sessions, alice, Audience.ME)
    assert mine.title == "Alice" and mine.row.won == 1 and mine.row.won_revenue == D(10_000)  # type: ignore[attr-defined]
    assert mine.row.profit_margin == D("0.6")  # type: ignore[attr-defined]
    everyone = card(sessions, alice, Audience.EVERYONE)
    assert everyone.row.won == 2 and everyone.row.arpa == D(6_000)  # type: ignore[attr-defined]


def test_only_bobs_manager_and_admins_see_his_card(sessions: sessionmaker[Session]) -> None:
    office = make_office(sessions)
    won(sessions, office["Bob"], "Globex", 2_000)
    for refused in ("Cy", "Eve"):  # his teammate; the manager of another team
        with pytest.raises(NotAllowed, match="Only Bob's manager or an admin"):
            card(sessions, office[refused], Audience.REP, rep_id=office["Bob"].rep_id)
    for allowed in ("Dee", "Ann"):
        assert card(sessions, office[allowed], Audience.REP, rep_id=office["Bob"].rep_id).row.won == 1  # type: ignore[attr-defined]


def test_nobody_sees_a_rep_of_another_workspace(sessions: sessionmaker[Session]) -> None:
    admin = promote(sessions, make_rep(sessions, user="UADMIN", name="Admin"), "admin")
    outsider = make_rep(sessions, team="TOTHER", user="UOUT", name="Out")
    with pytest.raises(UnknownRep):
        card(sessions, admin, Audience.REP, rep_id=outsider.rep_id)


def test_team_cards_cover_the_askers_team(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions, user="UALICE", name="Alice")
    bob = make_rep(sessions, user="UBOB", name="Bob")
    carol = make_rep(sessions, user="UCAROL", name="Carol")
    alone = card(sessions, alice, Audience.TEAM)
    assert alone.audience is Audience.EVERYONE and "not in a team" in alone.note  # type: ignore[attr-defined]
    with sessions.begin() as session:
        east = Team(workspace_id=alice.workspace_id, name="East", created_at=T0)
        session.add(east)
        session.flush()
        session.execute(update(Rep).where(Rep.id.in_([alice.rep_id, bob.rep_id])).values(team_id=east.id))
    alice = make_rep(sessions, user="UALICE", name="Alice")
    for rep, amount in ((alice, 1_000), (bob, 2_000), (carol, 4_000)):
        won(sessions, rep, f"Account {amount}", amount)
    east_card = card(sessions, alice, Audience.TEAM)
    assert east_card.title == "East" and east_card.row.won_revenue == D(3_000)  # type: ignore[attr-defined]


def test_the_scorecard_shows_this_months_deals(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions)
    won(sessions, alice, "Acme", 10_000)
    with sessions.begin() as session:
        scorecard = scorecards.scorecard(session, asker=alice, now=T0, window=PeriodKind.MONTH)
    deals = scorecard.numbers.deals
    assert deals.won == 1 and deals.won_revenue == D(10_000)
