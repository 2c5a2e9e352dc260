"""`/tally schedule`: when a workspace's nudges, standings posts, digests and celebrations go out (admins)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time

from sqlalchemy.orm import Session

from metrics.errors import UsageError
from metrics.models import Workspace
from metrics.periods import WEEKDAY_NAMES
from metrics.records import RepContext
from metrics.schedule import NUDGE_POLICIES, ScheduleSettings
from metrics.services import access, audit

SCHEDULE_USAGE = (
    "Try `/tally schedule nudge 08:30`, `nudges behind` (or `always`), `standings 17:00`, `digest-day fri`, "
    "`digest-time 15:00`, `quiet 20:00-08:00`, `workday-end 18:00`, `amounts hide` (or `show`)."
)
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def show_schedule(session: Session, *, asker: RepContext) -> ScheduleSettings:
    """The workspace's schedule (anyone may read it)."""
    return ScheduleSettings.from_settings(session.get_one(Workspace, asker.workspace_id).settings)


def update_schedule(session: Session, *, asker: RepContext, changes: dict[str, str], now: datetime) -> str:
    """Change schedule settings (admins). Returns the new schedule in words.

    Raises:
        NotAllowed: not an admin. UsageError: an unknown setting or a value that is not a time, day or choice.
    """
    access.require_admin(asker, "change the schedule")
    workspace = session.get_one(Workspace, asker.workspace_id)
    schedule = ScheduleSettings.from_settings(workspace.settings)
    for name, value in changes.items():
        schedule = _apply(schedule, name, value.lower())
    workspace.settings = {**(workspace.settings or {}), "schedule": schedule.to_settings()}
    summary = describe(schedule)
    audit.record(
        session,
        workspace_id=asker.workspace_id,
        actor_rep_id=asker.rep_id,
        action="settings",
        summary=f"schedule: {', '.join(f'{k} {v}' for k, v in changes.items())}",
        now=now,
    )
    return summary


def describe(schedule: ScheduleSettings) -> str:
    """The schedule in one sentence."""
    nudges = "every working morning" if schedule.nudge_policy == "always" else "only when behind pace"
    return (
        f"Nudges at {schedule.nudge_time:%H:%M} (each rep's own time), {nudges}, until {schedule.workday_end:%H:%M}; "
        f"standings posted at {schedule.standings_time:%H:%M}; the digest on "
        f"{WEEKDAY_NAMES[schedule.digest_day].capitalize()} at {schedule.digest_time:%H:%M}; no celebrations between "
        f"{schedule.quiet_start:%H:%M} and {schedule.quiet_end:%H:%M}; deal amounts "
        f"{'hidden' if schedule.hide_amounts else 'shown'}."
    )


def _apply(schedule: ScheduleSettings, name: str, value: str) -> ScheduleSettings:
    if name == "nudge":
        return replace(schedule, nudge_time=_clock(value))
    if name == "standings":
        return replace(schedule, standings_time=_clock(value))
    if name == "digest-time":
        return replace(schedule, digest_time=_clock(value))
    if name == "workday-end":
        return replace(schedule, workday_end=_clock(value))
    if name == "nudges":
        if value not in NUDGE_POLICIES:
            raise UsageError("Nudges go out `always` or only when `behind` pace.", usage=SCHEDULE_USAGE)
        return replace(schedule, nudge_policy=value)
    if name == "digest-day":
        days = {day[:3]: n for n, day in enumerate(WEEKDAY_NAMES)}
        if value[:3] not in days:
            raise UsageError(f"“{value[:20]}” isn't a weekday.", usage=SCHEDULE_USAGE)
        return replace(schedule, digest_day=days[value[:3]])
    if name == "quiet":
        start, _, end = value.partition("-")
        return replace(schedule, quiet_start=_clock(start), quiet_end=_clock(end))
    if name == "amounts":
        if value not in ("hide", "show"):
            raise UsageError("Deal amounts are `hide` or `show` in celebrations.", usage=SCHEDULE_USAGE)
        return replace(schedule, hide_amounts=value == "hide")
    raise UsageError(f"There is no schedule setting “{name[:20]}”.", usage=SCHEDULE_USAGE)


def _clock(value: str) -> time:
    match = _CLOCK.match(value.strip())
    if match is None:
        raise UsageError(f"“{value[:20]}” isn't a time; write it as HH:MM, e.g. 08:30.", usage=SCHEDULE_USAGE)
    return time(int(match.group(1)), int(match.group(2)))
