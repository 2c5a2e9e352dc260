"""What every import shares: reps and accounts found or made by name, bulk inserts, change detection."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from metrics.imports.rows import ImportProblem, ImportSummary
from metrics.imports.values import fold, tidy
from metrics.models import Account, Rep

Progress = Callable[[int], None]
T = TypeVar("T")


def reps_by_name(session: Session, workspace_id: int, names: Iterable[str], now: datetime) -> dict[str, int]:
    """Folded name → rep id for `names`, creating reps (without a chat account) for names not seen before."""
    known: dict[str, int] = {}
    for rep_id, name in session.execute(select(Rep.id, Rep.display_name).where(Rep.workspace_id == workspace_id)):
        known.setdefault(fold(name), rep_id)
    missing = {fold(name): name for name in names if fold(name) not in known}
    for key, name in missing.items():
        rep = Rep(
            workspace_id=workspace_id,
            display_name=tidy(name),
            role="rep",
            active=True,
            created_at=now,
        )
        session.add(rep)
        session.flush()
        known[key] = rep.id
    return known


def accounts_by_name(session: Session, workspace_id: int, names: Iterable[str], now: datetime) -> dict[str, int]:
    """Folded name → account id for `names`, creating the accounts not seen before (in one insert)."""
    known = _account_ids(session, workspace_id)
    missing = {fold(name): tidy(name) for name in names if fold(name) not in known}
    if missing:
        insert_rows(
            session,
            Account,
            [
                {"workspace_id": workspace_id, "name": name, "name_key": key, "created_at": now}
                for key, name in missing.items()
            ],
        )
        known = _account_ids(session, workspace_id)
    return known


def _account_ids(session: Session, workspace_id: int) -> dict[str, int]:
    rows = session.execute(select(Account.name_key, Account.id).where(Account.workspace_id == workspace_id)).all()
    return dict(rows)  # (a Result has keys() itself, so dict() must get the list of rows)


def upsert(
    session: Session,
    model: Any,
    keyed_values: Iterable[tuple[object, dict[str, Any]]],
    *,
    existing: dict[Any, Any],
    for_new: dict[str, Any],
    now: datetime,
    progress: Progress | None,
) -> tuple[int, int, int]:
    """Insert each (key, values) not in `existing` (plus `for_new`) in one statement; update the changed others.

    Returns how many rows were new, updated and unchanged.
    """
    new: list[dict[str, Any]] = []
    updated = unchanged = 0
    for key, values in keyed_values:
        found = existing.get(key)
        if found is None:
            new.append(values | for_new | {"created_at": now, "updated_at": now})
        elif update_changed(found, values, now):
            updated += 1
        else:
            unchanged += 1
        tick(progress)
    insert_rows(session, model, new)
    return len(new), updated, unchanged


def update_changed(model: Any, values: dict[str, Any], now: datetime) -> bool:
    """Set the values that differ on `model`; True if any did."""
    changed = {key: value for key, value in values.items() if getattr(model, key) != value}
    for key, value in changed.items():
        setattr(model, key, value)
    if changed:
        model.updated_at = now
    return bool(changed)


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """One bulk INSERT of `rows` (nothing when empty)."""
    if rows:
        session.execute(insert(model), rows)


def first_of_each(
    rows: Sequence[T], key: Callable[[T], object], what: str, line: Callable[[T], int] | None = None
) -> tuple[list[T], list[ImportProblem]]:
    """Keep the first row of each key; later ones become problems ("the same deal id as line 7")."""
    seen: dict[object, int] = {}
    kept: list[T] = []
    duplicates: list[ImportProblem] = []
    for row in rows:
        number = line(row) if line is not None else getattr(row, "line", 0)
        if key(row) in seen:
            duplicates.append(ImportProblem(number, f"the same {what} as line {seen[key(row)]}"))
            continue
        seen[key(row)] = number
        kept.append(row)
    return kept, duplicates


def tick(progress: Progress | None) -> None:
    """Report one more row done, if anyone listens."""
    if progress is not None:
        progress(1)


def summary(
    kind: str, lines: int, problems: Sequence[ImportProblem], imported: int, updated: int, unchanged: int
) -> ImportSummary:
    """The summary of an import of `lines` data lines."""
    every = sorted(problems, key=lambda problem: problem.line)
    return ImportSummary(kind, lines, imported, updated, unchanged, tuple(every))
