"""Deals from chat: open, win, lose, undo — with the ledger's opportunity count kept in step."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from metrics.deal_records import DealAction, DealReceipt, DealRequest, Stage
from metrics.errors import InvalidActivity, UnknownLog
from metrics.models import Deal, DealChange
from metrics.records import Platform, RepContext
from metrics.services import deals, scorecards, undo
from tests.factories import T0, entry_count, log, make_rep

D = Decimal


def deal(
    sessions: sessionmaker[Session],
    rep: RepContext,
    action: DealAction,
    account: str,
    *,
    amount: int | None = None,
    cost: int | None = None,
    days_ago: int = 0,
    key: str | None = None,
) -> DealReceipt:
    request = DealRequest(
        action=action,
        account=account,
        day=rep.today(T0) - timedelta(days=days_ago),
        amount=None if amount is None else D(amount),
        cost=None if cost is None else D(cost),
    )
    with sessions.begin() as session:
        return deals.log_deal(session, rep=rep, request=request, source=Platform.SLACK, now=T0, idempotency_key=key)


def all_deals(sessions: sessionmaker[Session]) -> list[Deal]:
    with sessions.begin() as session:
        return list(session.scalars(select(Deal).order_by(Deal.id)))


def test_an_opportunity_opens_a_deal_and_counts_one_opportunity(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    receipt = deal(sessions, rep, DealAction.OPEN, "Acme Corp", amount=30_000)
    assert receipt.created and receipt.deal.stage is Stage.OPEN and receipt.deal.amount == D(30_000)
    with sessions.begin() as session:
        card = scorecards.scorecard(session, asker=rep, now=T0)
    assert [(line.metric.key, line.actual) for line in card.numbers.lines] == [("opportunities", 1)]


def test_won_closes_the_open_deal_of_that_account(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    deal(sessions, rep, DealAction.OPEN, "Acme Corp", amount=30_000, days_ago=5)
    won = deal(sessions, rep, DealAction.WON, "ACME   corp", cost=9_000)
    assert not won.created and won.deal.stage is Stage.WON
    assert (won.deal.amount, won.deal.cost, won.deal.cycle_days) == (D(30_000), D(9_000), 5)
    assert len(all_deals(sessions)) == 1


def test_won_without_an_open_deal_records_a_new_won_deal_but_needs_an_amount(
    sessions: sessionmaker[Session],
) -> None:
    rep = make_rep(sessions)
    with pytest.raises(InvalidActivity, match="How much was the Initech deal worth"):
        deal(sessions, rep, DealAction.WON, "Initech")
    assert all_deals(sessions) == []
    won = deal(sessions, rep, DealAction.WON, "Initech", amount=5_000, days_ago=1)
    assert won.created and won.deal.closed_on == rep.today(T0) - timedelta(days=1)
    assert won.deal.created_on is None and won.deal.cycle_days is None  # no known start: no invented 0-day cycle


def test_lost_needs_a_known_account_and_suggests_the_closest(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    deal(sessions, rep, DealAction.OPEN, "Globex", amount=1_000)
    with pytest.raises(UnknownLog, match="Did you mean “Globex”"):
        deal(sessions, rep, DealAction.LOST, "Globx")
    lost = deal(sessions, rep, DealAction.LOST, "globex")
    assert lost.deal.stage is Stage.LOST and not lost.created


def test_a_deal_cannot_close_before_it_opened(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    deal(sessions, rep, DealAction.OPEN, "Acme", amount=1_000)
    with pytest.raises(InvalidActivity, match="can't close before"):
        deal(sessions, rep, DealAction.WON, "Acme", days_ago=2)


def test_undo_puts_the_deal_back_and_the_opportunity_count_with_it(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    opened = deal(sessions, rep, DealAction.OPEN, "Acme", amount=30_000)
    won = deal(sessions, rep, DealAction.WON, "Acme", amount=28_000)
    with sessions.begin() as session:
        first = undo.undo_log(session, rep=rep, batch_id=won.batch_id, source=Platform.SLACK, now=T0)
    with sessions.begin() as session:
        again = undo.undo_log(session, rep=rep, batch_id=won.batch_id, source=Platform.SLACK, now=T0)
    assert first.deal is not None and first.deal.stage is Stage.OPEN and first.deal.amount == D(30_000)
    assert again.already_undone
    with sessions.begin() as session:
        opp_undone = undo.undo_log(session, rep=rep, batch_id=opened.batch_id, source=Platform.SLACK, now=T0)
    assert opp_undone.deal is not None and not opp_undone.deal.active
    assert [(item.metric.key, item.quantity) for item in opp_undone.items] == [("opportunities", 1)]
    with sessions.begin() as session:
        assert scorecards.scorecard(session, asker=rep, now=T0).is_empty
    assert entry_count(sessions) == 2  # the opportunity and its reversal: nothing deleted
    with sessions.begin() as session:
        assert len(session.scalars(select(DealChange)).all()) == 4


def test_undo_last_picks_the_latest_log_of_either_kind(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"dials": 3}, now=T0 - timedelta(minutes=5))
    deal(sessions, rep, DealAction.WON, "Acme", amount=1_000)
    with sessions.begin() as session:
        latest = undo.undo_last(session, rep=rep, source=Platform.SLACK, now=T0)
    assert latest.deal is not None and latest.items == ()


def test_the_same_key_logs_a_deal_once(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    first = deal(sessions, rep, DealAction.OPEN, "Acme", amount=5_000, key="trigger-9")
    again = deal(sessions, rep, DealAction.OPEN, "Acme", amount=5_000, key="trigger-9")
    assert again.duplicate and again.batch_id == first.batch_id
    assert len(all_deals(sessions)) == 1 and entry_count(sessions) == 1


@pytest.mark.parametrize(("amount", "says"), [(0, "more than 0"), (10**12, "more than Tally accepts")])
def test_silly_amounts_are_refused(sessions: sessionmaker[Session], amount: int, says: str) -> None:
    rep = make_rep(sessions)
    with pytest.raises(InvalidActivity, match=says):
        deal(sessions, rep, DealAction.WON, "Acme", amount=amount)
    assert all_deals(sessions) == []


def test_nobody_else_can_undo_a_deal_log(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions)
    bob = make_rep(sessions, user="UBOB", name="Bob")
    won = deal(sessions, alice, DealAction.WON, "Acme", amount=1_000)
    with sessions.begin() as session, pytest.raises(UnknownLog):
        undo.undo_log(session, rep=bob, batch_id=won.batch_id, source=Platform.SLACK, now=T0)
