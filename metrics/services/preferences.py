"""What reps set for themselves: PTO, mute, privacy, time zone, nudge time, work week, holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.errors import UsageError
from metrics.models import Pto, Rep, Workspace
from metrics.periods import is_valid_zone
from metrics.records import RepContext
from metrics.services import audit
from metrics.services.admin import check_holidays, describe_work_days

MAX_PTO_DAYS = 366


@dataclass(frozen=True, slots=True)
class PtoRange:
    """Days off, both ends included."""

    number: int
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class OwnSettings:
    """A rep's settings as their settings form shows them."""

    timezone: str
    nudge_time: time | None
    hidden: bool
    work_days: str


def own_settings(session: Session, *, rep: RepContext) -> OwnSettings:
    """The rep's time zone, nudge time, privacy and work week (their own, or the workspace's)."""
    row = _row(session, rep)
    workspace_days = session.get_one(Workspace, rep.workspace_id).work_days
    return OwnSettings(rep.timezone, row.nudge_time, row.hidden, row.work_days or workspace_days)


def add_pto(session: Session, *, rep: RepContext, first: date, last: date, now: datetime) -> PtoRange:
    """Record days off (they lower prorated targets and skip nudges).

    Raises:
        UsageError: a range that ends before it starts, lasts over a year, or ended more than a year ago.
    """
    if last < first:
        raise UsageError(
            "A PTO range ends on or after its first day, e.g. `/tally pto 2026-12-24..2026-12-31`.", field="pto"
        )
    if (last - first).days >= MAX_PTO_DAYS or last < rep.today(now) - timedelta(days=MAX_PTO_DAYS):
        raise UsageError("PTO can be at most a year long, and at most a year ago.", field="pto")
    pto = Pto(workspace_id=rep.workspace_id, rep_id=rep.rep_id, first_day=first, last_day=last, created_at=now)
    session.add(pto)
    session.flush()
    _audit(session, rep, f"{rep.display_name} PTO {first}..{last}", now)
    return PtoRange(pto.id, first, last)


def list_pto(session: Session, *, rep: RepContext, now: datetime) -> list[PtoRange]:
    """The rep's PTO from today on, soonest first."""
    rows = session.scalars(
        select(Pto)
        .where(
            Pto.workspace_id == rep.workspace_id,
            Pto.rep_id == rep.rep_id,
            Pto.cancelled_at.is_(None),
            Pto.last_day >= rep.today(now),
        )
        .order_by(Pto.first_day)
    )
    return [PtoRange(row.id, row.first_day, row.last_day) for row in rows]


def cancel_pto(session: Session, *, rep: RepContext, number: int | None, now: datetime) -> list[PtoRange]:
    """Cancel one upcoming PTO range (by its number in `/tally pto list`), or all of them. Returns those cancelled."""
    upcoming = {pto.number: pto for pto in list_pto(session, rep=rep, now=now)}
    chosen = list(upcoming.values()) if number is None else [upcoming[number]] if number in upcoming else []
    if not chosen:
        raise UsageError("No such upcoming PTO; `/tally pto list` shows yours with their numbers.")
    for pto in chosen:
        session.get_one(Pto, pto.number).cancelled_at = now
    _audit(
        session,
        rep,
        f"{rep.display_name} cancelled PTO " + ", ".join(f"{p.first_day}..{p.last_day}" for p in chosen),
        now,
    )
    return chosen


def mute(session: Session, *, rep: RepContext, until: datetime | None, now: datetime) -> None:
    """Silence Tally's nudges until `until` (None: unmute)."""
    if until is not None and until <= now:
        raise UsageError("Mute until a time in the future, e.g. `/tally mute until monday`.")
    _row(session, rep).mute_until = until
    _audit(
        session,
        rep,
        f"{rep.display_name} muted until {until:%Y-%m-%d %H:%M} UTC" if until else f"{rep.display_name} unmuted",
        now,
    )


def set_privacy(session: Session, *, rep: RepContext, hidden: bool, now: datetime) -> None:
    """Hide the rep's name from what others see (they appear as "a teammate"), or show it again."""
    _row(session, rep).hidden = hidden
    _audit(session, rep, f"{rep.display_name} {'hid' if hidden else 'showed'} their name in standings", now)


def update_own_settings(
    session: Session,
    *,
    rep: RepContext,
    now: datetime,
    timezone: str | None = None,
    nudge_time: time | None = None,
    work_days: str | None = None,
    holidays: tuple[str | None, str | None] | None = None,
) -> str:
    """Change the rep's own time zone, nudge time, work week or holiday region. Returns what changed."""
    row = _row(session, rep)
    changes = []
    if timezone is not None:
        if not is_valid_zone(timezone):
            raise UsageError(f"“{timezone}” isn't a time zone; use a name such as Europe/London.", field="timezone")
        row.timezone = timezone
        changes.append(f"time zone {timezone}")
    if nudge_time is not None:
        row.nudge_time = nudge_time
        changes.append(f"morning nudge at {nudge_time:%H:%M}")
    if work_days is not None:
        if not work_days:
            raise UsageError("Pick at least one working day.", field="work_days")
        row.work_days = work_days
        changes.append(f"work week {describe_work_days(work_days)}")
    if holidays is not None:
        check_holidays(*holidays)
        # "" is "none for me", kept apart from None, "the workspace's" (calendars.calendar_of reads it so).
        row.holiday_country, row.holiday_subdivision = holidays[0] or "", holidays[1]
        changes.append(f"holidays of {holidays[0]}" if holidays[0] else "no public holidays")
    if not changes:
        raise UsageError("Nothing to change.")
    _audit(session, rep, f"{rep.display_name}: " + "; ".join(changes), now)
    return "Your settings: " + "; ".join(changes) + "."


def save_settings(
    session: Session,
    *,
    rep: RepContext,
    now: datetime,
    timezone: str | None,
    nudge_time: time | None,
    work_days: str,
    hidden: bool,
    pto: tuple[date, date] | None,
) -> None:
    """Everything the settings form holds, saved together (the caller's transaction: all or nothing)."""
    update_own_settings(session, rep=rep, now=now, timezone=timezone, nudge_time=nudge_time, work_days=work_days)
    set_privacy(session, rep=rep, hidden=hidden, now=now)
    if pto is not None:
        add_pto(session, rep=rep, first=pto[0], last=pto[1], now=now)


def refresh_profile(
    session: Session, *, rep_id: int, name: str | None, timezone: str | None, deleted: bool = False
) -> bool:
    """Keep a rep's name and time zone in step with their chat profile. Returns True if anything changed.

    The zone follows the profile only when the profile's zone itself changed (a rep who travels): Slack sends a
    profile change for any edit, and a zone the rep chose in Tally must not be undone by a new status emoji.
    """
    row = session.get_one(Rep, rep_id)
    changed = row.active == deleted  # a deactivated person gets nothing more from Tally; a returning one does
    row.active = not deleted
    if name and name != row.display_name:
        row.display_name, changed = name[:200], True
    if timezone and is_valid_zone(timezone) and timezone != row.chat_timezone:
        row.chat_timezone = timezone
        if timezone != row.timezone:
            row.timezone, changed = timezone, True
    return changed


def _row(session: Session, rep: RepContext) -> Rep:
    return session.get_one(Rep, rep.rep_id)


def _audit(session: Session, rep: RepContext, summary: str, now: datetime) -> None:
    audit.record(
        session, workspace_id=rep.workspace_id, actor_rep_id=rep.rep_id, action="settings", summary=summary, now=now
    )
