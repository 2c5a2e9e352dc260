"""Setting a workspace up: its first admin, teams, roles, metric weights and visibility, calendar settings.

Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.calendar import validate_holiday_region
from metrics.catalog import LEADING
from metrics.errors import NotAllowed, UsageError
from metrics.models import MetricDef, Rep, Team, Workspace
from metrics.periods import WEEKDAY_NAMES, is_valid_zone
from metrics.records import RepContext, Role
from metrics.services import access, audit, teams

MAX_WEIGHT = Decimal(1000)


def setup(session: Session, *, asker: RepContext, platform_admin: bool, now: datetime) -> str:
    """Make the asker an admin if the workspace has none yet (or they administer the chat workspace).

    Returns a sentence saying what happened.

    Raises:
        NotAllowed: the workspace already has an admin and the asker is neither one nor a chat-workspace admin.
    """
    admins = _names(session, asker.workspace_id, Role.ADMIN)
    if asker.role is Role.ADMIN:
        return "You are already an admin of Tally here."
    if admins and not platform_admin:
        raise NotAllowed(f"Tally is already set up here; ask an admin ({', '.join(admins)}).")
    _rep(session, asker).role = Role.ADMIN.value
    audit.record(
        session,
        workspace_id=asker.workspace_id,
        actor_rep_id=asker.rep_id,
        action="role",
        summary=f"{asker.display_name} became admin (setup)",
        now=now,
    )
    return "You are now an admin of Tally here: create teams, set roles, targets and settings."


def set_role(
    session: Session, *, asker: RepContext, rep_id: int, role: Role, team_name: str | None, now: datetime
) -> str:
    """Give a person a role; a manager manages the named team, or their own. Returns a sentence.

    Raises:
        NotAllowed: the asker is not an admin, or this would leave the workspace without an admin.
    """
    access.require_admin(asker, "change roles")
    rep = access.rep_in_workspace(session, asker, rep_id)
    if (
        rep.role == Role.ADMIN.value
        and role is not Role.ADMIN
        and len(_names(session, asker.workspace_id, Role.ADMIN)) == 1
    ):
        raise NotAllowed("That would leave Tally without an admin; make someone else admin first.")
    rep.role = role.value
    sentence = f"{rep.display_name} is now {'an' if role is Role.ADMIN else 'a'} {role.value}"
    if role is Role.MANAGER:
        team = teams.find_team(session, asker.workspace_id, team_name) if team_name else _own_team(session, rep)
        if team is None:
            raise UsageError(
                f"Which team will {rep.display_name} manage? e.g. `/tally role @dana manager of Inside Sales`."
            )
        team.manager_rep_id = rep.id
        rep.team_id = rep.team_id or team.id
        sentence += f" of {team.name}"
    if role is Role.REP:  # a rep manages no one: their teams lose their manager until an admin names another
        former = list(session.scalars(select(Team).where(Team.manager_rep_id == rep.id)))
        for team in former:
            team.manager_rep_id = None
        if former:
            sentence += f" (no longer managing {', '.join(team.name for team in former)})"
    audit.record(
        session, workspace_id=asker.workspace_id, actor_rep_id=asker.rep_id, action="role", summary=sentence, now=now
    )
    return sentence + "."


CENT = Decimal("0.01")


def set_weights(session: Session, *, asker: RepContext, weights: Mapping[str, Decimal], now: datetime) -> str:
    """Change points per unit (the weights of the activity score) of activity metrics."""
    access.require_admin(asker, "change weights")
    metrics = _metric_defs(session, asker.workspace_id)
    for key, weight in weights.items():
        metric = metrics.get(key)
        if metric is None or metric.kind != LEADING:
            raise UsageError(f"There is no activity metric “{key}”.")
        if not weight.is_finite() or not Decimal(0) <= weight <= MAX_WEIGHT or weight != weight.quantize(CENT):
            raise UsageError(f"A weight is from 0 to {MAX_WEIGHT:,}, to two decimals (you gave {weight} for {key}).")
        metric.points_per_unit = weight
    summary = "weights " + ", ".join(f"{key}={weight}" for key, weight in weights.items())
    audit.record(
        session, workspace_id=asker.workspace_id, actor_rep_id=asker.rep_id, action="settings", summary=summary, now=now
    )
    return f"Set {summary}."


def set_visibility(session: Session, *, asker: RepContext, metric_key: str, managers_only: bool, now: datetime) -> str:
    """Make a metric's numbers of others visible to managers and admins only (or to everyone again)."""
    access.require_admin(asker, "change who sees a metric")
    metric = _metric_defs(session, asker.workspace_id).get(metric_key)
    if metric is None:
        raise UsageError(f"There is no metric “{metric_key}”.")
    metric.visibility = "managers" if managers_only else "everyone"
    summary = f"{metric.label}: others' numbers shown to {'managers and admins' if managers_only else 'everyone'}"
    audit.record(
        session, workspace_id=asker.workspace_id, actor_rep_id=asker.rep_id, action="settings", summary=summary, now=now
    )
    return _sentence(summary)


def update_workspace(
    session: Session,
    *,
    asker: RepContext,
    now: datetime,
    timezone: str | None = None,
    work_days: str | None = None,
    holidays: tuple[str, str | None] | None = None,
    no_holidays: bool = False,
    week_start: int | None = None,
    backdate_days: int | None = None,
) -> str:
    """Change the workspace calendar and settings (admins). Returns what changed.

    Raises:
        UsageError: an unknown time zone or holiday region, an empty work week, or a window out of range.
    """
    access.require_admin(asker, "change workspace settings")
    workspace = session.get_one(Workspace, asker.workspace_id)
    changes = []
    if timezone is not None:
        if not is_valid_zone(timezone):
            raise UsageError(f"“{timezone}” isn't a time zone; use a name such as America/New_York.")
        workspace.timezone = timezone
        changes.append(f"time zone {timezone}")
    if work_days is not None:
        workspace.work_days = work_days
        changes.append(f"work week {describe_work_days(work_days)}")
    if holidays is not None or no_holidays:
        country, subdivision = holidays or (None, None)
        check_holidays(country, subdivision)
        workspace.holiday_country, workspace.holiday_subdivision = country, subdivision
        changes.append(
            "no public holidays"
            if country is None
            else f"holidays of {country}{'-' + subdivision if subdivision else ''}"
        )
    if week_start is not None:
        workspace.week_start = week_start
        changes.append(f"weeks start on {WEEKDAY_NAMES[week_start].capitalize()}")
    if backdate_days is not None:
        workspace.backdate_days = backdate_days
        changes.append(f"logs may go {backdate_days} days back")
    if not changes:
        raise UsageError("Nothing to change.", usage=SETTINGS_USAGE)
    audit.record(
        session,
        workspace_id=asker.workspace_id,
        actor_rep_id=asker.rep_id,
        action="settings",
        summary="workspace: " + "; ".join(changes),
        now=now,
    )
    return "Workspace settings: " + "; ".join(changes) + "."


SETTINGS_USAGE = (
    "Try `/tally settings timezone Europe/London`, `/tally settings workweek sun-thu`, "
    "`/tally settings holidays US-CA` (or `none`), `/tally settings weekstart sunday`, `/tally settings backdate 14`."
)


def check_holidays(country: str | None, subdivision: str | None) -> None:
    """Refuse a holiday region the holidays package does not know, with a readable message."""
    if country is None:
        return
    try:
        validate_holiday_region(country, subdivision)
    except ValueError as error:
        raise UsageError(_sentence(str(error)), usage=SETTINGS_USAGE) from None


def _sentence(text: str) -> str:
    """Upper-case the first letter only (str.capitalize would lower-case codes such as "US") and end with a stop."""
    text = text.rstrip(".")
    return text[:1].upper() + text[1:] + "."


def describe_work_days(work_days: str) -> str:
    """ "01234" → "Mon, Tue, Wed, Thu, Fri"."""
    return ", ".join(WEEKDAY_NAMES[int(digit)][:3].capitalize() for digit in work_days)


def _own_team(session: Session, rep: Rep) -> Team | None:
    return session.get(Team, rep.team_id) if rep.team_id else None


def _rep(session: Session, asker: RepContext) -> Rep:
    return session.get_one(Rep, asker.rep_id)


def _names(session: Session, workspace_id: int, role: Role) -> list[str]:
    return list(
        session.scalars(
            select(Rep.display_name).where(
                Rep.workspace_id == workspace_id, Rep.role == role.value, Rep.forgotten_at.is_(None)
            )
        )
    )


def _metric_defs(session: Session, workspace_id: int) -> dict[str, MetricDef]:
    return {
        metric.key: metric
        for metric in session.scalars(select(MetricDef).where(MetricDef.workspace_id == workspace_id))
    }
