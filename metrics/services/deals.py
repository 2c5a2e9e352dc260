"""Deals from chat: open an opportunity, win it, lose it; and put a deal back when its log is undone."""

from __future__ import annotations

import difflib
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from metrics import queries, rules
from metrics.deal_records import DealAction, DealReceipt, DealRequest, DealSummary, Stage
from metrics.errors import InvalidActivity, UnknownLog
from metrics.imports.values import fold, tidy
from metrics.jobs import celebrations
from metrics.models import Account, Deal, DealChange
from metrics.records import LogItem, LogRequest, Platform, RepContext
from metrics.services import ledger

OPPORTUNITIES = "opportunities"


def log_deal(
    session: Session,
    *,
    rep: RepContext,
    request: DealRequest,
    source: Platform,
    now: datetime,
    idempotency_key: str | None = None,
) -> DealReceipt:
    """Apply `/log opp|won|lost <account> ...` to the rep's deals.

    `opp` opens a new deal and also counts one opportunity in the ledger (same batch, so one Undo reverses
    both). `won`/`lost` close the rep's most recent open deal with that account; with none open, `won` records a
    deal won outright (it needs an amount) and `lost` records one lost, provided the account is known.

    Raises:
        InvalidActivity: a day outside the window, a bad amount, or a win without any amount.
        UnknownLog: `lost` for an account Tally has never seen (with the closest known name).
    """
    if idempotency_key and (earlier := queries.deal_changes_with_key(session, rep.workspace_id, idempotency_key)):
        return _receipt(session, earlier[0], request.action, duplicate=True)
    rules.check_day(request.day, rep.today(now), rep.backdate_days)
    queries.lock_rep(session, rep.rep_id)
    rules.check_money(request.amount, "amount")
    rules.check_money(request.cost, "cost")
    batch_id = uuid.uuid4().hex
    try:
        with session.begin_nested():
            change = _apply(session, rep, request, now, batch_id, idempotency_key)
            if request.action is DealAction.OPEN and any(spec.key == OPPORTUNITIES for spec in rep.metrics):
                opportunity = LogRequest(items=(LogItem(OPPORTUNITIES, 1),), day=request.day)
                ledger.log_activity(
                    session,
                    rep=rep,
                    request=opportunity,
                    source=source,
                    now=now,
                    idempotency_key=idempotency_key,
                    batch_id=batch_id,
                )
    except IntegrityError:
        # Only a concurrent twin of this very request explains a conflict; anything else is a real error.
        earlier = queries.deal_changes_with_key(session, rep.workspace_id, idempotency_key) if idempotency_key else []
        if not earlier:
            raise
        return _receipt(session, earlier[0], request.action, duplicate=True)
    receipt = _receipt(session, change, request.action)
    if request.action is DealAction.WON:
        celebrations.after_win(session, rep, receipt.deal, now)  # in this transaction: won and planned at once
    return receipt


def revert_changes(session: Session, rep: RepContext, changes: list[DealChange], now: datetime) -> DealSummary:
    """Put each changed deal back as it was before the change, writing a reversing change for each.

    A deal the change created is voided (kept, but out of every report). Returns the (last) deal as it now is.

    Raises:
        UnknownLog: a later change of the same deal is still in place: it must be undone first (putting an older
            snapshot back over it would silently undo the later change too).
    """
    deal: Deal | None = None
    for change in reversed(changes):
        later = queries.later_open_deal_change(session, change.workspace_id, change.deal_id, change.id)
        if later is not None:
            raise UnknownLog("A later change to that deal is still in place; undo that one first (`/log undo`).")
        deal = session.get_one(Deal, change.deal_id)
        current = snapshot(deal)
        if change.before is None:
            deal.active = False
        else:
            _restore(deal, change.before)
        deal.updated_at = now
        session.add(
            DealChange(
                workspace_id=rep.workspace_id,
                deal_id=deal.id,
                rep_id=rep.rep_id,
                batch_id=uuid.uuid4().hex,
                before=current,
                after=snapshot(deal),
                reverses_id=change.id,
                created_at=now,
            )
        )
    session.flush()
    if deal is None:
        raise UnknownLog("That log changed no deal.")
    return summary(session, deal)


def snapshot(deal: Deal) -> dict[str, Any]:
    """The fields a chat change can alter, as JSON."""
    return {
        "stage": deal.stage,
        "amount": None if deal.amount is None else str(deal.amount),
        "cost": None if deal.cost is None else str(deal.cost),
        "closed_on": None if deal.closed_on is None else deal.closed_on.isoformat(),
        "active": deal.active,
    }


def summary(session: Session, deal: Deal) -> DealSummary:
    """A deal as a rep sees it."""
    account = session.get(Account, deal.account_id) if deal.account_id is not None else None
    return DealSummary(
        deal_id=deal.id,
        account=account.name if account else None,
        stage=Stage(deal.stage),
        amount=deal.amount,
        cost=deal.cost,
        created_on=deal.created_on,
        closed_on=deal.closed_on,
        active=deal.active,
    )


def account_for(session: Session, workspace_id: int, name: str, now: datetime) -> Account:
    """The account called `name` (matched case- and space-insensitively), created if new."""
    key = fold(name)
    found = queries.account_by_key(session, workspace_id, key)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            account = Account(workspace_id=workspace_id, name=tidy(name), name_key=key, created_at=now)
            session.add(account)
        return account
    except IntegrityError:
        # Created by a concurrent request between our read and our insert.
        raced = queries.account_by_key(session, workspace_id, key)
        if raced is None:
            raise
        return raced


def _apply(
    session: Session, rep: RepContext, request: DealRequest, now: datetime, batch_id: str, key: str | None
) -> DealChange:
    account = _account(session, rep, request, now)
    deal = (
        None
        if request.action is DealAction.OPEN
        else queries.latest_open_deal(session, rep.workspace_id, rep.rep_id, account.id)
    )
    before = None if deal is None else snapshot(deal)
    if deal is None:
        # A deal first heard of as won or lost has no known start: leave it empty rather than invent a 0-day cycle.
        opened = request.day if request.action is DealAction.OPEN else None
        deal = _new_deal(session, rep, account, opened, now)
    _act(deal, request)
    deal.updated_at = now
    session.flush()
    change = DealChange(
        workspace_id=rep.workspace_id,
        deal_id=deal.id,
        rep_id=rep.rep_id,
        batch_id=batch_id,
        idempotency_key=key,
        before=before,
        after=snapshot(deal),
        created_at=now,
    )
    session.add(change)
    session.flush()
    return change


def _account(session: Session, rep: RepContext, request: DealRequest, now: datetime) -> Account:
    if (
        request.action is DealAction.LOST
        and queries.account_by_key(session, rep.workspace_id, fold(request.account)) is None
    ):
        close = difflib.get_close_matches(request.account, queries.account_names(session, rep.workspace_id), n=1)
        hint = f" Did you mean “{close[0]}”?" if close else ""
        raise UnknownLog(f"I don't know a deal with “{request.account}”.{hint}")
    return account_for(session, rep.workspace_id, request.account, now)


def _new_deal(session: Session, rep: RepContext, account: Account, day: date | None, now: datetime) -> Deal:
    deal = Deal(
        workspace_id=rep.workspace_id,
        owner_rep_id=rep.rep_id,
        account_id=account.id,
        stage=Stage.OPEN.value,
        created_on=day,
        recurring=False,
        source="chat",
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(deal)
    return deal


def _act(deal: Deal, request: DealRequest) -> None:
    if request.amount is not None:
        deal.amount = request.amount
    if request.cost is not None:
        deal.cost = request.cost
    if request.action is DealAction.OPEN:
        return
    deal.stage = Stage.WON.value if request.action is DealAction.WON else Stage.LOST.value
    deal.closed_on = request.day
    if deal.created_on is not None and deal.created_on > request.day:
        raise InvalidActivity(f"That deal was opened on {deal.created_on:%d %b %Y}; it can't close before that.")
    if request.action is DealAction.WON and deal.amount is None:
        raise InvalidActivity(
            f"How much was the {request.account} deal worth? Try `/log won {request.account} $12,000`.",
            field="amount",
        )


def _restore(deal: Deal, before: dict[str, Any]) -> None:
    deal.stage = before["stage"]
    deal.amount = None if before["amount"] is None else Decimal(before["amount"])
    deal.cost = None if before["cost"] is None else Decimal(before["cost"])
    deal.closed_on = None if before["closed_on"] is None else date.fromisoformat(before["closed_on"])
    deal.active = bool(before["active"])


def _receipt(session: Session, change: DealChange, action: DealAction, duplicate: bool = False) -> DealReceipt:
    deal = session.get_one(Deal, change.deal_id)
    return DealReceipt(
        batch_id=change.batch_id,
        action=action,
        deal=summary(session, deal),
        created=change.before is None,
        duplicate=duplicate,
    )
