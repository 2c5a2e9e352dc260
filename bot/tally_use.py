"""What each `tally` subcommand does, for every front end: one service call and a result to word or draw.

Slack (bot/slack/tally_actions.py) and Teams (bot/msteams/admin.py) gather the asker and the people mentioned
in their own way, then call `carry_out_tally` inside one transaction and turn its result into a reply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy.orm import Session

from bot import format as fmt
from bot.admin_grammar import TallyCommand
from metrics.errors import UsageError
from metrics.periods import zone
from metrics.records import RepContext, Role
from metrics.services import access, admin, audit, preferences, schedules, teams
from metrics.services.audit import AuditEntry
from metrics.services.preferences import PtoRange
from metrics.services.teams import TeamSummary


@dataclass(frozen=True, slots=True)
class TallyRequest:
    """A parsed subcommand with what the front end found out before the transaction.

    Attributes:
        mentioned: the people the words mention, registered as reps, in order.
        platform_admin: whether the chat platform says the asker administers it (Slack's is_admin; Teams
            cannot tell without Microsoft Graph, so always False there).
        channel_id: the channel a `team create` names (Slack's #channel), if any.
    """

    command: TallyCommand
    asker: RepContext
    now: datetime
    mentioned: tuple[RepContext, ...] = ()
    platform_admin: bool = False
    channel_id: str | None = None


@dataclass(frozen=True, slots=True)
class Done:
    """A one-line confirmation; `mood` picks the emoji each front end shows (done, clock, pto, mute)."""

    text: str
    mood: str = "done"


@dataclass(frozen=True, slots=True)
class TeamCreated:
    """A new team, and the channel it posts to if one was named (each front end words how to add one)."""

    name: str
    channel_id: str | None


@dataclass(frozen=True, slots=True)
class TeamList:
    """Every team in the workspace."""

    teams: list[TeamSummary]


@dataclass(frozen=True, slots=True)
class AuditList:
    """The newest audit entries (admins only)."""

    entries: list[AuditEntry]


@dataclass(frozen=True, slots=True)
class PtoList:
    """The asker's upcoming PTO."""

    ranges: list[PtoRange]


@dataclass(frozen=True, slots=True)
class ShowHelp:
    """`tally help`: the front end shows its own help."""


TallyResult = Done | TeamCreated | TeamList | AuditList | PtoList | ShowHelp


def carry_out_tally(session: Session, request: TallyRequest) -> TallyResult:
    """Carry out one parsed subcommand in the caller's transaction.

    Raises:
        DomainError: the services refuse (nothing is written: the caller's transaction rolls back).
    """
    return ACTIONS[request.command.action](session, request)


def _help(session: Session, request: TallyRequest) -> TallyResult:
    return ShowHelp()


def _setup(session: Session, request: TallyRequest) -> TallyResult:
    return Done(admin.setup(session, asker=request.asker, platform_admin=request.platform_admin, now=request.now))


def _audit(session: Session, request: TallyRequest) -> TallyResult:
    access.require_admin(request.asker, "read the audit log")
    return AuditList(audit.recent(session, request.asker.workspace_id))


def _teams(session: Session, request: TallyRequest) -> TallyResult:
    return TeamList(teams.teams(session, request.asker.workspace_id))


def _team_create(session: Session, request: TallyRequest) -> TallyResult:
    name = (request.command.name or "").strip()
    team = teams.create_team(session, asker=request.asker, name=name, channel_id=request.channel_id, now=request.now)
    return TeamCreated(team.name, request.channel_id)


def _team_add(session: Session, request: TallyRequest) -> TallyResult:
    rep_ids = [rep.rep_id for rep in request.mentioned]
    team, names = teams.add_to_team(
        session, asker=request.asker, rep_ids=rep_ids, team_name=request.command.name, now=request.now
    )
    return Done(f"Added {', '.join(names)} to {team}.")


def _role(session: Session, request: TallyRequest) -> TallyResult:
    if not request.mentioned:
        raise UsageError("Whose role? `/tally role @dana manager`.")
    rep = request.mentioned[0]
    role = Role(request.command.name or "rep")
    return Done(
        admin.set_role(
            session, asker=request.asker, rep_id=rep.rep_id, role=role, team_name=request.command.text, now=request.now
        )
    )


def _weights(session: Session, request: TallyRequest) -> TallyResult:
    return Done(admin.set_weights(session, asker=request.asker, weights=request.command.weights, now=request.now))


def _visibility(session: Session, request: TallyRequest) -> TallyResult:
    text = admin.set_visibility(
        session,
        asker=request.asker,
        metric_key=request.command.name or "",
        managers_only=request.command.flag,
        now=request.now,
    )
    return Done(text)


def _settings(session: Session, request: TallyRequest) -> TallyResult:
    values = request.command.settings
    holidays = _holidays(values.get("holidays"))
    text = admin.update_workspace(
        session,
        asker=request.asker,
        now=request.now,
        timezone=_str(values.get("timezone")),
        work_days=_str(values.get("workweek")),
        holidays=(holidays[0], holidays[1]) if holidays and holidays[0] else None,
        no_holidays=holidays is not None and holidays[0] is None,
        week_start=_int(values.get("weekstart")),
        backdate_days=_int(values.get("backdate")),
    )
    return Done(text)


def _schedule(session: Session, request: TallyRequest) -> TallyResult:
    changes = {name: str(value) for name, value in request.command.settings.items()}
    if not changes:
        return Done(schedules.describe(schedules.show_schedule(session, asker=request.asker)), "clock")
    return Done(schedules.update_schedule(session, asker=request.asker, changes=changes, now=request.now), "clock")


def _me(session: Session, request: TallyRequest) -> TallyResult:
    values = request.command.settings
    nudge = values.get("nudge")
    text = preferences.update_own_settings(
        session,
        rep=request.asker,
        now=request.now,
        timezone=_str(values.get("timezone")),
        nudge_time=nudge if isinstance(nudge, time) else None,
        work_days=_str(values.get("workweek")),
        holidays=_holidays(values.get("holidays")),
    )
    return Done(text)


def _pto(session: Session, request: TallyRequest) -> TallyResult:
    first, last = request.command.first, request.command.last
    assert first is not None and last is not None
    added = preferences.add_pto(session, rep=request.asker, first=first, last=last, now=request.now)
    span = f"{fmt.day(added.first_day)} – {fmt.day(added.last_day)} {added.last_day.year}"
    text = f"PTO #{added.number}: {span}. Your targets shrink to match, and Tally won't nudge you those days."
    return Done(text, "pto")


def _pto_list(session: Session, request: TallyRequest) -> TallyResult:
    return PtoList(preferences.list_pto(session, rep=request.asker, now=request.now))


def _pto_cancel(session: Session, request: TallyRequest) -> TallyResult:
    gone = preferences.cancel_pto(session, rep=request.asker, number=request.command.number, now=request.now)
    return Done("Cancelled PTO " + ", ".join(f"#{p.number}" for p in gone) + ".")


def _mute(session: Session, request: TallyRequest) -> TallyResult:
    until = request.command.until
    preferences.mute(session, rep=request.asker, until=until, now=request.now)
    if until is None:
        return Done("Unmuted.")
    local = until.astimezone(zone(request.asker.timezone))
    return Done(f"Muted until {fmt.day(local.date())} {local:%H:%M} your time.", "mute")


def _unmute(session: Session, request: TallyRequest) -> TallyResult:
    preferences.mute(session, rep=request.asker, until=None, now=request.now)
    return Done("Unmuted: morning nudges are back.")


def _privacy(session: Session, request: TallyRequest) -> TallyResult:
    preferences.set_privacy(session, rep=request.asker, hidden=request.command.flag, now=request.now)
    if request.command.flag:
        return Done("Hidden: teammates see you as “a teammate”; your manager still sees your name.")
    return Done("Your name shows in standings again.")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _holidays(value: object) -> tuple[str | None, str | None] | None:
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    country, subdivision = value
    return (country if isinstance(country, str) else None, subdivision if isinstance(subdivision, str) else None)


ACTIONS: dict[str, Callable[[Session, TallyRequest], TallyResult]] = {
    "help": _help,
    "setup": _setup,
    "audit": _audit,
    "teams": _teams,
    "team create": _team_create,
    "team add": _team_add,
    "role": _role,
    "weights": _weights,
    "visibility": _visibility,
    "settings": _settings,
    "schedule": _schedule,
    "me": _me,
    "pto": _pto,
    "pto list": _pto_list,
    "pto cancel": _pto_cancel,
    "mute": _mute,
    "unmute": _unmute,
    "privacy": _privacy,
}
