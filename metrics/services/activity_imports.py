"""Importing activity into the ledger: one entry per line, once, however often the file is imported."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics import rules
from metrics.catalog import loggable, metric_names
from metrics.errors import DomainError
from metrics.imports.rows import ActivityRow, ImportProblem, ImportSummary
from metrics.imports.values import fold
from metrics.models import Entry, MetricDef
from metrics.queries import metric_catalog
from metrics.records import Platform
from metrics.services.import_common import Progress, first_of_each, insert_rows, reps_by_name, summary, tick
from metrics.team_queries import day_quantities_by_rep


def import_activities(
    session: Session,
    *,
    workspace_id: int,
    rows: Sequence[ActivityRow],
    problems: Sequence[ImportProblem],
    now: datetime,
    progress: Progress | None = None,
) -> ImportSummary:
    """Add activity to the ledger, once per line: a re-import finds each line's idempotency key taken.

    Lines are checked as `/log` checks them: a known activity metric, a quantity within the metric's cap, and a
    day total (what the ledger holds plus the file's earlier lines) within it too.
    """
    catalog = metric_catalog(session, workspace_id)
    names = metric_names(loggable(tuple(spec for _, spec in catalog)))
    ids = {spec.key: (metric_id, spec) for metric_id, spec in catalog}
    lines = len(rows) + len(problems)
    keyed, duplicates = first_of_each(
        list(zip(_activity_keys(rows), rows, strict=True)), lambda pair: pair[0], "id", lambda pair: pair[1].line
    )
    reps = reps_by_name(session, workspace_id, {row.rep for _, row in keyed}, now)
    taken = _taken(session, workspace_id, [key for key, _ in keyed])
    totals = _day_totals(session, workspace_id, [row for _, row in keyed], reps)
    batch_id = uuid.uuid4().hex
    new: list[dict[str, Any]] = []
    refused: list[ImportProblem] = []
    for key, row in keyed:
        tick(progress)
        if key in taken:
            continue
        metric = names.get(fold(row.metric))
        rep_id = reps[fold(row.rep)]
        problem = _activity_problem(row, metric, ids, totals.get((rep_id, row.day), {}))
        if problem or metric is None:
            refused.append(ImportProblem(row.line, problem or "unknown metric"))
            continue
        day = totals.setdefault((rep_id, row.day), {})
        day[ids[metric][0]] = day.get(ids[metric][0], 0) + row.quantity
        new.append(
            {
                "workspace_id": workspace_id,
                "rep_id": rep_id,
                "metric_id": ids[metric][0],
                "quantity": row.quantity,
                "local_day": row.day,
                "created_at": now,
                "source": Platform.IMPORT.value,
                "batch_id": batch_id,
                "idempotency_key": key,
            }
        )
    insert_rows(session, Entry, new)
    unchanged = len(keyed) - len(new) - len(refused)
    return summary("activities", lines, [*problems, *duplicates, *refused], len(new), 0, unchanged)


def _day_totals(
    session: Session, workspace_id: int, rows: Sequence[ActivityRow], reps: dict[str, int]
) -> dict[tuple[int, date], dict[int, int]]:
    """What the ledger already holds per rep and day for the days the file covers (one query)."""
    if not rows:
        return {}
    days = [row.day for row in rows]
    rep_ids = {reps[fold(row.rep)] for row in rows}
    every_metric = session.scalars(select(MetricDef.id).where(MetricDef.workspace_id == workspace_id)).all()
    return day_quantities_by_rep(session, workspace_id, rep_ids, min(days), max(days) + timedelta(days=1), every_metric)


def _taken(session: Session, workspace_id: int, keys: Sequence[str]) -> set[str]:
    """The keys among `keys` already in the ledger, asked in chunks (databases cap an IN list's parameters)."""
    taken: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        taken.update(
            key
            for key in session.scalars(
                select(Entry.idempotency_key).where(
                    Entry.workspace_id == workspace_id, Entry.idempotency_key.in_(chunk)
                )
            )
            if key is not None
        )
    return taken


def _activity_keys(rows: Sequence[ActivityRow]) -> list[str]:
    """A line's id, or its content plus how many identical lines came before it (two same lines: two logs)."""
    occurrences: Counter[tuple[object, ...]] = Counter()
    keys = []
    for row in rows:
        if row.external_id:
            keys.append(f"import:{row.external_id}"[:255])
            continue
        content = (fold(row.rep), row.day.isoformat(), fold(row.metric), row.quantity)
        occurrences[content] += 1
        keys.append(f"import:{'|'.join(map(str, content))}|{occurrences[content]}"[:255])
    return keys


def _activity_problem(
    row: ActivityRow, metric: str | None, ids: dict[str, tuple[int, Any]], day_totals: dict[int, int]
) -> str | None:
    if metric is None:
        return f"unknown metric {row.metric!r}"
    metric_id, spec = ids[metric]
    try:
        rules.check_quantity(spec, row.quantity)
        rules.check_day_total(spec, day_totals.get(metric_id, 0), row.quantity)
    except DomainError as error:
        return error.user_message
    return None
