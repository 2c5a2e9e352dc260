"""The ledger: log activity, undo a log, reverse one row. Append-only: nothing is updated or deleted."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from metrics import kpis, queries, rules
from metrics.catalog import LAGGING
from metrics.errors import UnknownLog, UsageError
from metrics.jobs import celebrations
from metrics.models import Entry
from metrics.periods import local_date, zone
from metrics.records import LogItem, LogReceipt, LogRequest, MetricSpec, MetricTotal, Platform, RepContext, UndoReceipt


def log_activity(
    session: Session,
    *,
    rep: RepContext,
    request: LogRequest,
    source: Platform,
    now: datetime,
    idempotency_key: str | None = None,
    batch_id: str | None = None,
) -> LogReceipt:
    """Write one ledger row per metric of `request`, for the rep, on the request's local day.

    The same metric named twice is summed. A request carrying an idempotency key that was seen before writes
    nothing and returns the first request's receipt (with `duplicate=True`), so a retried or double-clicked
    request is counted once. `batch_id` joins the rows to another change of the same log (a deal's), so one
    Undo reverses both.

    Raises:
        UsageError: a metric the workspace does not have, or no items at all.
        InvalidActivity: a quantity out of range, a future day, a day beyond the backdating window, or a day
            total over the metric's cap.
    """
    if idempotency_key is not None and (
        earlier := queries.entries_with_key(session, rep.workspace_id, idempotency_key)
    ):
        return _receipt_for(session, rep, earlier, duplicate=True)
    ids = _metric_ids(session, rep)
    items = _merged(request.items)
    queries.lock_rep(session, rep.rep_id)  # the day-total cap is checked against a total no one else is changing
    _check(session, rep, ids, items, request.day, now)
    entries = _new_entries(
        rep, ids, items, request, source=source, now=now, idempotency_key=idempotency_key, batch_id=batch_id
    )
    try:
        with session.begin_nested():
            session.add_all(entries)
    except IntegrityError:
        # The same request raced us in another worker and won: answer as it did.
        if idempotency_key is None:
            raise
        return _receipt_for(session, rep, queries.entries_with_key(session, rep.workspace_id, idempotency_key), True)
    session.flush()
    celebrations.after_activity(session, rep, request.day, now)  # in this transaction: earned and planned at once
    return _receipt_for(session, rep, entries)


def reverse_entry(session: Session, *, rep: RepContext, entry_id: int, source: Platform, now: datetime) -> UndoReceipt:
    """Reverse a single ledger row of the rep's (one metric of a log), once.

    Raises:
        UnknownLog: no such row in this workspace, it is not the rep's, or it is itself a reversal.
    """
    entry = session.get(Entry, entry_id)
    if entry is None or entry.workspace_id != rep.workspace_id or entry.rep_id != rep.rep_id or entry.reverses_id:
        raise UnknownLog("I couldn't find that entry among yours, so nothing was undone.")
    item = (metric_total(specs_by_id(session, rep)[entry.metric_id], entry.quantity),)
    try:
        with session.begin_nested():
            write_reversals(session, [entry], source, now)
    except IntegrityError:
        return UndoReceipt(batch_id=entry.batch_id, day=entry.local_day, items=item, already_undone=True)
    return UndoReceipt(batch_id=entry.batch_id, day=entry.local_day, items=item)


def _new_entries(
    rep: RepContext,
    ids: dict[str, int],
    items: list[LogItem],
    request: LogRequest,
    *,
    source: Platform,
    now: datetime,
    idempotency_key: str | None,
    batch_id: str | None,
) -> list[Entry]:
    batch_id = batch_id or uuid.uuid4().hex
    tag = ",".join(request.tags)[:200] or None
    return [
        Entry(
            workspace_id=rep.workspace_id,
            rep_id=rep.rep_id,
            metric_id=ids[item.metric_key],
            quantity=item.quantity,
            local_day=request.day,
            created_at=now,
            source=source,
            batch_id=batch_id,
            idempotency_key=idempotency_key,
            tag=tag,
        )
        for item in items
    ]


def write_reversals(session: Session, originals: Iterable[Entry], source: Platform, now: datetime) -> None:
    """Write a reversal row for each original (one batch); the caller has checked they are not reversed yet."""
    batch_id = uuid.uuid4().hex
    session.add_all(
        Entry(
            workspace_id=entry.workspace_id,
            rep_id=entry.rep_id,
            metric_id=entry.metric_id,
            quantity=-entry.quantity,
            local_day=entry.local_day,
            created_at=now,
            source=source,
            batch_id=batch_id,
            reverses_id=entry.id,
        )
        for entry in originals
    )
    session.flush()


def _check(
    session: Session, rep: RepContext, ids: dict[str, int], items: list[LogItem], day: date, now: datetime
) -> None:
    if not items:
        raise UsageError("Tell me what to log, e.g. `12 dials 3 meetings`.")
    rules.check_day(day, local_date(now, zone(rep.timezone)), rep.backdate_days)
    already = queries.day_quantities(session, rep.workspace_id, rep.rep_id, day)
    for item in items:
        if item.metric_key not in ids:
            raise UsageError(f"This workspace has no metric called “{item.metric_key}”.")
        spec = rep.metric(item.metric_key)
        if spec.kind == LAGGING:
            raise UsageError(f"{spec.label.capitalize()} comes from your deals: log one with `/log won Acme $12,000`.")
        rules.check_quantity(spec, item.quantity)
        rules.check_day_total(spec, already.get(ids[item.metric_key], 0), item.quantity)


def _merged(items: Iterable[LogItem]) -> list[LogItem]:
    totals: dict[str, int] = defaultdict(int)
    for item in items:
        totals[item.metric_key] += item.quantity
    return [LogItem(key, quantity) for key, quantity in totals.items()]


def _receipt_for(session: Session, rep: RepContext, rows: list[Entry], duplicate: bool = False) -> LogReceipt:
    specs = specs_by_id(session, rep)
    day = rows[0].local_day
    day_totals = queries.day_quantities(session, rep.workspace_id, rep.rep_id, day)
    tags = tuple(rows[0].tag.split(",")) if rows[0].tag else ()
    return LogReceipt(
        batch_id=rows[0].batch_id,
        day=day,
        items=tuple(metric_total(specs[row.metric_id], row.quantity) for row in rows),
        day_totals=tuple(metric_total(spec, day_totals[mid]) for mid, spec in specs.items() if day_totals.get(mid)),
        duplicate=duplicate,
        tags=tags,
    )


def metric_total(spec: MetricSpec, quantity: int) -> MetricTotal:
    """A quantity of one metric with the points it earns."""
    return MetricTotal(
        metric=spec, quantity=quantity, points=kpis.activity_points({spec.key: quantity}, {spec.key: spec.points})
    )


def _metric_ids(session: Session, rep: RepContext) -> dict[str, int]:
    return {spec.key: metric_id for metric_id, spec in queries.metric_catalog(session, rep.workspace_id)}


def specs_by_id(session: Session, rep: RepContext) -> dict[int, MetricSpec]:
    """The rep's workspace catalog, by metric row id."""
    return dict(queries.metric_catalog(session, rep.workspace_id))
