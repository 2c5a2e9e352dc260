"""Each rep's working calendar, from the workspace's settings, the rep's overrides and their PTO.

Built for many reps at once in two queries (reps with their workspace; PTO), never one query per rep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.calendar import WorkCalendar
from metrics.models import Pto, Rep, Workspace


def calendars(session: Session, workspace_id: int, rep_ids: Iterable[int] | None = None) -> dict[int, WorkCalendar]:
    """The calendar of every rep of the workspace (or of `rep_ids`), PTO included."""
    query = (
        select(Rep, Workspace).join(Workspace, Workspace.id == Rep.workspace_id).where(Rep.workspace_id == workspace_id)
    )
    wanted = None if rep_ids is None else set(rep_ids)
    if wanted is not None:
        query = query.where(Rep.id.in_(wanted))
    pto = _pto(session, workspace_id, wanted)
    return {rep.id: calendar_of(rep, workspace, pto.get(rep.id, ())) for rep, workspace in session.execute(query)}


def calendar_of(rep: Rep, workspace: Workspace, pto: Iterable[tuple[date, date]] = ()) -> WorkCalendar:
    """One rep's calendar: their overrides where set, else the workspace's."""
    country = rep.holiday_country if rep.holiday_country is not None else workspace.holiday_country
    subdivision = rep.holiday_subdivision if rep.holiday_country is not None else workspace.holiday_subdivision
    return WorkCalendar(
        timezone=rep.timezone or workspace.timezone,
        work_days=frozenset(int(digit) for digit in (rep.work_days or workspace.work_days)),
        holiday_country=country or None,
        holiday_subdivision=subdivision or None,
        pto=tuple(sorted(pto)),
    )


def calendar_of_workspace(workspace: Workspace) -> WorkCalendar:
    """The workspace's standard calendar (no one's overrides, no PTO): what team targets are prorated by."""
    return WorkCalendar(
        timezone=workspace.timezone,
        work_days=frozenset(int(digit) for digit in workspace.work_days),
        holiday_country=workspace.holiday_country or None,
        holiday_subdivision=workspace.holiday_subdivision or None,
    )


def _pto(session: Session, workspace_id: int, rep_ids: set[int] | None) -> dict[int, list[tuple[date, date]]]:
    query = select(Pto.rep_id, Pto.first_day, Pto.last_day).where(
        Pto.workspace_id == workspace_id, Pto.cancelled_at.is_(None)
    )
    if rep_ids is not None:
        query = query.where(Pto.rep_id.in_(rep_ids))
    ranges: dict[int, list[tuple[date, date]]] = {}
    for rep_id, first, last in session.execute(query):
        ranges.setdefault(rep_id, []).append((first, last))
    return ranges
