"""Who the scheduled jobs may speak to, and where each person is in their day: a handful of queries for every
workspace at once (reps with their workspace; calendars and PTO per workspace), never one per rep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from metrics.calendar import WorkCalendar, is_working_day
from metrics.models import ChatIdentity, Rep, Team, Workspace
from metrics.periods import zone
from metrics.schedule import ScheduleSettings, at_local
from metrics.services import calendars
from metrics.team_queries import RepRow


@dataclass(frozen=True, slots=True)
class Person:
    """A rep as the jobs see them at one instant."""

    rep: RepRow
    user_id: str | None  # their chat user id (None: no identity on the workspace's platform)
    workspace: Workspace
    schedule: ScheduleSettings
    calendar: WorkCalendar
    local: datetime  # now, on their wall clock
    nudge_at: datetime  # today's nudge: their own time, or the workspace's
    workday_end: datetime  # after this a nudge is not worth sending
    muted: bool

    @property
    def today(self) -> date:
        """Their local date."""
        return self.local.date()

    def previous_working_day(self, search_days: int = 31) -> date | None:
        """The last working day before today, within a month."""
        for back in range(1, search_days + 1):
            day = self.today - timedelta(days=back)
            if is_working_day(self.calendar, day):
                return day
        return None


def everyone(session: Session, now: datetime) -> list[Person]:
    """Every active rep of every workspace that still has Tally installed, placed in their own day."""
    rows = session.execute(
        select(Rep, Workspace, ChatIdentity.external_user_id)
        .join(Workspace, Workspace.id == Rep.workspace_id)
        .outerjoin(ChatIdentity, and_(ChatIdentity.rep_id == Rep.id, ChatIdentity.platform == Workspace.platform))
        # A forgotten rep still counts in standings, but there is no one left to speak to.
        .where(Rep.active.is_(True), Rep.forgotten_at.is_(None), Workspace.uninstalled_at.is_(None))
        .order_by(Rep.workspace_id, Rep.display_name, Rep.id)
    ).all()
    by_workspace: dict[int, dict[int, WorkCalendar]] = {}
    people = []
    for rep, workspace, user_id in rows:
        if workspace.id not in by_workspace:
            by_workspace[workspace.id] = calendars.calendars(session, workspace.id)
        calendar = by_workspace[workspace.id][rep.id]
        where = zone(calendar.timezone)
        local = now.astimezone(where)
        schedule = ScheduleSettings.from_settings(workspace.settings)
        people.append(
            Person(
                rep=RepRow(
                    rep.id, rep.display_name, rep.team_id, rep.hidden, rep.role, rep.ramp_percent, rep.ramp_until
                ),
                user_id=user_id,
                workspace=workspace,
                schedule=schedule,
                calendar=calendar,
                local=local,
                nudge_at=at_local(local.date(), rep.nudge_time or schedule.nudge_time, where),
                workday_end=at_local(local.date(), schedule.workday_end, where),
                muted=rep.mute_until is not None and rep.mute_until > now,
            )
        )
    return people


def teams_with_channels(session: Session) -> list[tuple[Team, Workspace]]:
    """Every team that posts to a channel, of every workspace that still has Tally installed."""
    return [
        (team, workspace)
        for team, workspace in session.execute(
            select(Team, Workspace)
            .join(Workspace, Workspace.id == Team.workspace_id)
            .where(Team.channel_id.is_not(None), Workspace.uninstalled_at.is_(None))
            .order_by(Team.id)
        ).all()
    ]
