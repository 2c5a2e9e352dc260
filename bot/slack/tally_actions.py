"""What each /tally subcommand does: calls one service and builds the reply. Listener-side glue, no SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import format as fmt
from bot.admin_grammar import TallyCommand
from bot.slack.blocks.admin import build_audit_message, build_pto_message, build_teams_message
from bot.slack.blocks.kit import Message
from bot.slack.blocks.replies import build_help_message
from bot.slack.blocks.targets import build_done_message
from bot.slack.people import acting_rep, is_workspace_admin
from bot.slack.runtime import Runtime
from bot.slack.text import CommandText
from metrics.errors import UsageError
from metrics.periods import zone
from metrics.records import RepContext, Role
from metrics.services import access, admin, audit, preferences, schedules, teams


@dataclass(frozen=True, slots=True)
class Request:
    """Everything a subcommand may need, gathered before its transaction opens (Slack calls never run inside
    one: a slow Slack must not hold a database lock)."""

    command: TallyCommand
    words: CommandText
    asker: RepContext
    now: datetime
    mentioned: tuple[RepContext, ...] = ()
    slack_admin: bool = False


def gather(
    command: TallyCommand,
    words: CommandText,
    asker: RepContext,
    runtime: Runtime,
    client: WebClient,
    context: BoltContext,
    now: datetime,
) -> Request:
    """Look up, from Slack, the people a subcommand mentions (registering newcomers) and, for setup, whether the
    asker administers the Slack workspace."""
    mentioned = tuple(acting_rep(runtime, client, context, now, user_id=user_id) for user_id in words.mentions)
    slack_admin = command.action == "setup" and is_workspace_admin(client, context.user_id or "")
    return Request(command, words, asker, now, mentioned, slack_admin)


def carry_out(request: Request, runtime: Runtime) -> Message:
    """Run the subcommand in one transaction and return its reply."""
    action = ACTIONS[request.command.action]
    with runtime.sessions.begin() as session:
        return action(session, request)


def _help(session: Session, request: Request) -> Message:
    return build_help_message(request.asker.metrics)


def _setup(session: Session, request: Request) -> Message:
    text = admin.setup(session, asker=request.asker, platform_admin=request.slack_admin, now=request.now)
    return build_done_message(text)


def _audit(session: Session, request: Request) -> Message:
    access.require_admin(request.asker, "read the audit log")
    return build_audit_message(audit.recent(session, request.asker.workspace_id))


def _teams(session: Session, request: Request) -> Message:
    return build_teams_message(teams.teams(session, request.asker.workspace_id))


def _team_create(session: Session, request: Request) -> Message:
    channel = request.words.channels[0] if request.words.channels else None
    name = (request.command.name or "").strip()
    team = teams.create_team(session, asker=request.asker, name=name, channel_id=channel, now=request.now)
    where = f", posting to <#{channel}>" if channel else " (add a channel with the next `/tally team create`)"
    return build_done_message(f"Created the team {team.name}{where}. Add people with `/tally team add @bob @carol`.")


def _team_add(session: Session, request: Request) -> Message:
    rep_ids = [rep.rep_id for rep in request.mentioned]
    team, names = teams.add_to_team(
        session, asker=request.asker, rep_ids=rep_ids, team_name=request.command.name, now=request.now
    )
    return build_done_message(f"Added {', '.join(names)} to {team}.")


def _role(session: Session, request: Request) -> Message:
    if not request.mentioned:
        raise UsageError("Whose role? `/tally role @dana manager`.")
    rep = request.mentioned[0]
    role = Role(request.command.name or "rep")
    return build_done_message(
        admin.set_role(
            session, asker=request.asker, rep_id=rep.rep_id, role=role, team_name=request.command.text, now=request.now
        )
    )


def _weights(session: Session, request: Request) -> Message:
    text = admin.set_weights(session, asker=request.asker, weights=request.command.weights, now=request.now)
    return build_done_message(text)


def _visibility(session: Session, request: Request) -> Message:
    text = admin.set_visibility(
        session,
        asker=request.asker,
        metric_key=request.command.name or "",
        managers_only=request.command.flag,
        now=request.now,
    )
    return build_done_message(text)


def _settings(session: Session, request: Request) -> Message:
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
    return build_done_message(text)


def _schedule(session: Session, request: Request) -> Message:
    changes = {name: str(value) for name, value in request.command.settings.items()}
    if not changes:
        return build_done_message(schedules.describe(schedules.show_schedule(session, asker=request.asker)), ":clock8:")
    text = schedules.update_schedule(session, asker=request.asker, changes=changes, now=request.now)
    return build_done_message(text, ":clock8:")


def _me(session: Session, request: Request) -> Message:
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
    return build_done_message(text)


def _pto(session: Session, request: Request) -> Message:
    first, last = request.command.first, request.command.last
    assert first is not None and last is not None
    added = preferences.add_pto(session, rep=request.asker, first=first, last=last, now=request.now)
    span = f"{fmt.day(added.first_day)} – {fmt.day(added.last_day)} {added.last_day.year}"
    text = f"PTO #{added.number}: {span}. Your targets shrink to match, and Tally won't nudge you those days."
    return build_done_message(text, ":palm_tree:")


def _pto_list(session: Session, request: Request) -> Message:
    return build_pto_message(preferences.list_pto(session, rep=request.asker, now=request.now))


def _pto_cancel(session: Session, request: Request) -> Message:
    gone = preferences.cancel_pto(session, rep=request.asker, number=request.command.number, now=request.now)
    return build_done_message("Cancelled PTO " + ", ".join(f"#{p.number}" for p in gone) + ".")


def _mute(session: Session, request: Request) -> Message:
    until = request.command.until
    preferences.mute(session, rep=request.asker, until=until, now=request.now)
    if until is None:
        return build_done_message("Unmuted.")
    local = until.astimezone(zone(request.asker.timezone))
    return build_done_message(f"Muted until {fmt.day(local.date())} {local:%H:%M} your time.", ":zipper_mouth_face:")


def _unmute(session: Session, request: Request) -> Message:
    preferences.mute(session, rep=request.asker, until=None, now=request.now)
    return build_done_message("Unmuted: morning nudges are back.")


def _privacy(session: Session, request: Request) -> Message:
    preferences.set_privacy(session, rep=request.asker, hidden=request.command.flag, now=request.now)
    if request.command.flag:
        return build_done_message("Hidden: teammates see you as “a teammate”; your manager still sees your name.")
    return build_done_message("Your name shows in standings again.")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _holidays(value: object) -> tuple[str | None, str | None] | None:
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    country, subdivision = value
    return (country if isinstance(country, str) else None, subdivision if isinstance(subdivision, str) else None)


ACTIONS: dict[str, Callable[[Session, Request], Message]] = {
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
