"""When Tally speaks on its own: each workspace's schedule settings (kept in Workspace.settings) and the
local-time arithmetic the jobs share. Pure: no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

NUDGE_POLICIES = ("always", "behind")


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """A workspace's schedule.

    Attributes:
        nudge_time: default local time of the morning nudge (a rep's own setting wins).
        nudge_policy: "always", or "behind": only reps behind pace on the week are nudged.
        workday_end: local time after which a nudge is not worth sending any more.
        standings_time: local time (the workspace's zone) of the daily standings post, on working days.
        digest_day: weekday of the weekly digest (0 = Monday … 4 = Friday).
        digest_time: its local time.
        quiet_start, quiet_end: no celebration lands between these local times; it waits for the end.
        hide_amounts: celebrate a won deal without its amount.
    """

    nudge_time: time = time(8, 30)
    nudge_policy: str = "always"
    workday_end: time = time(18, 0)
    standings_time: time = time(17, 0)
    digest_day: int = 4
    digest_time: time = time(15, 0)
    quiet_start: time = time(20, 0)
    quiet_end: time = time(8, 0)
    hide_amounts: bool = False

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None) -> ScheduleSettings:
        """Read the schedule from a workspace's settings JSON; anything missing or unreadable keeps its default."""
        stored = (settings or {}).get("schedule") or {}
        default = cls()
        return cls(
            nudge_time=_time(stored.get("nudge_time"), default.nudge_time),
            nudge_policy=str(stored.get("nudge_policy")) if stored.get("nudge_policy") in NUDGE_POLICIES else "always",
            workday_end=_time(stored.get("workday_end"), default.workday_end),
            standings_time=_time(stored.get("standings_time"), default.standings_time),
            digest_day=int(stored["digest_day"]) if str(stored.get("digest_day", "")).isdigit() else default.digest_day,
            digest_time=_time(stored.get("digest_time"), default.digest_time),
            quiet_start=_time(stored.get("quiet_start"), default.quiet_start),
            quiet_end=_time(stored.get("quiet_end"), default.quiet_end),
            hide_amounts=bool(stored.get("hide_amounts", False)),
        )

    def to_settings(self) -> dict[str, Any]:
        """The JSON to keep under settings["schedule"]."""
        return {
            "nudge_time": f"{self.nudge_time:%H:%M}",
            "nudge_policy": self.nudge_policy,
            "workday_end": f"{self.workday_end:%H:%M}",
            "standings_time": f"{self.standings_time:%H:%M}",
            "digest_day": self.digest_day,
            "digest_time": f"{self.digest_time:%H:%M}",
            "quiet_start": f"{self.quiet_start:%H:%M}",
            "quiet_end": f"{self.quiet_end:%H:%M}",
            "hide_amounts": self.hide_amounts,
        }

    def after_quiet_hours(self, now: datetime, zone: ZoneInfo) -> datetime:
        """`now`, or the end of the quiet hours it falls in (in `zone`), as an aware UTC-comparable instant."""
        local = now.astimezone(zone)
        if not self._quiet(local.time()):
            return now
        wake = datetime.combine(local.date(), self.quiet_end, zone)
        if wake <= local:
            wake = datetime.combine(local.date() + timedelta(days=1), self.quiet_end, zone)
        return wake

    def _quiet(self, clock: time) -> bool:
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= clock < self.quiet_end
        return clock >= self.quiet_start or clock < self.quiet_end


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant of `clock` on local `day` in `zone` (a wall time skipped by DST lands just after the gap)."""
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone)
    # zoneinfo resolves a skipped time with fold=0 to the earlier offset, which can land before the gap; round
    # trip through UTC so 02:30 on a spring-forward night becomes 03:30, once.
    return aware.astimezone(ZoneInfo("UTC")).astimezone(zone)


def _time(value: Any, default: time) -> time:
    try:
        return time.fromisoformat(str(value)) if value else default
    except ValueError:
        return default
