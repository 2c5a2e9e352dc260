"""Undo: reverse one log — its ledger rows and any deal change it made — exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from metrics import queries
from metrics.errors import UnknownLog
from metrics.models import Deal
from metrics.records import Platform, RepContext, UndoReceipt
from metrics.services import deals, ledger


def undo_log(session: Session, *, rep: RepContext, batch_id: str, source: Platform, now: datetime) -> UndoReceipt:
    """Reverse every ledger row and deal change of one of the rep's logs, once.

    A second undo of the same log writes nothing and returns `already_undone=True`; two concurrent undos are
    settled by the database (a row or change can be reversed only once).

    Raises:
        UnknownLog: no such log in this workspace, or it belongs to someone else.
    """
    entries = queries.batch_entries(session, rep.workspace_id, batch_id)
    changes = queries.batch_deal_changes(session, rep.workspace_id, batch_id)
    owners = {entry.rep_id for entry, _ in entries} | {change.rep_id for change, _ in changes}
    if owners != {rep.rep_id}:
        raise UnknownLog("I couldn't find that log among yours, so nothing was undone.")
    if any(entry.source == Platform.IMPORT.value for entry, _ in entries):
        raise UnknownLog("Imported numbers are corrected by importing a corrected file, not undone in chat.")
    specs = ledger.specs_by_id(session, rep)
    items = tuple(ledger.metric_total(specs[entry.metric_id], entry.quantity) for entry, _ in entries)
    day = entries[0][0].local_day if entries else changes[0][0].created_at.date()
    open_entries = [entry for entry, reversed_ in entries if not reversed_]
    open_changes = [change for change, undone in changes if not undone]
    if not open_entries and not open_changes:
        deal = deals.summary(session, session.get_one(Deal, changes[0][0].deal_id)) if changes else None
        return UndoReceipt(batch_id=batch_id, day=day, items=items, already_undone=True, deal=deal)
    try:
        with session.begin_nested():
            ledger.write_reversals(session, open_entries, source, now)
            deal = deals.revert_changes(session, rep, open_changes, now) if open_changes else None
    except IntegrityError:
        return UndoReceipt(batch_id=batch_id, day=day, items=items, already_undone=True)
    return UndoReceipt(batch_id=batch_id, day=day, items=items, deal=deal)


def undo_last(session: Session, *, rep: RepContext, source: Platform, now: datetime) -> UndoReceipt:
    """Reverse the rep's most recent log (activity or deal) that has not been undone yet.

    Raises:
        UnknownLog: the rep has nothing left to undo.
    """
    candidates = [
        found
        for found in (
            queries.latest_open_batch(session, rep.workspace_id, rep.rep_id),
            queries.latest_open_deal_batch(session, rep.workspace_id, rep.rep_id),
        )
        if found is not None
    ]
    if not candidates:
        raise UnknownLog("You have no logs to undo.")
    batch_id, _ = max(candidates, key=lambda found: found[1])
    return undo_log(session, rep=rep, batch_id=batch_id, source=source, now=now)
