"""Importing activity into the ledger: one entry per line, once, however often the file is imported."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics import rules
from metrics.catalog import loggable, metric_names
from metrics.errors import DomainError
from metrics.imports.rows import ActivityRow, ImportProblem, ImportSummary
from metrics.imports.values import fold
from metrics.models import Entry
from metrics.queries import metric_catalog
from metrics.records import Platform
from metrics.services.import_common import Progress, insert_rows, reps_by_name, summary, tick


def import_activities(
    session: Session,
    *,
    workspace_id: int,
    rows: Sequence[ActivityRow],
    problems: Sequence[ImportProblem],
    now: datetime,
    progress: Progress | None = None,
) -> ImportSummary:
    """Add activity to the ledger, once per line: a re-import finds each line's idempotency key taken."""
    catalog = metric_catalog(session, workspace_id)
    names = metric_names(loggable(tuple(spec for _, spec in catalog)))
    ids = {spec.key: (metric_id, spec) for metric_id, spec in catalog}
    reps = reps_by_name(session, workspace_id, {row.rep for row in rows}, now)
    keys = _activity_keys(rows)
    taken = _taken(session, workspace_id, keys)
    batch_id = uuid.uuid4().hex
    new: list[dict[str, Any]] = []
    refused: list[ImportProblem] = []
    for row, key in zip(rows, keys, strict=True):
        tick(progress)
        if key in taken:
            continue
        metric = names.get(fold(row.metric))
        if problem := _activity_problem(row, metric, ids):
            refused.append(ImportProblem(row.line, problem))
        elif metric is not None:
            new.append(
                {
                    "workspace_id": workspace_id,
                    "rep_id": reps[fold(row.rep)],
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
    unchanged = len(rows) - len(new) - len(refused)
    return summary("activities", len(rows) + len(problems), [*problems, *refused], len(new), 0, unchanged)


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


def _activity_problem(row: ActivityRow, metric: str | None, ids: dict[str, tuple[int, Any]]) -> str | None:
    if metric is None:
        return f"unknown metric {row.metric!r}"
    try:
        rules.check_quantity(ids[metric][1], row.quantity)
    except DomainError as error:
        return error.user_message
    return None
