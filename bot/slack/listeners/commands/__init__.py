"""Slash commands. `COMMANDS` is the one list: manifest.yml must name exactly these (a test checks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.slack.errors import attach
from bot.slack.listeners.commands.funnel import handle_funnel
from bot.slack.listeners.commands.kpis import handle_kpis
from bot.slack.listeners.commands.log import ack_log, handle_log
from bot.slack.listeners.commands.plan import handle_plan
from bot.slack.listeners.commands.scorecard import handle_scorecard
from bot.slack.listeners.commands.standings import handle_standings
from bot.slack.listeners.commands.tally import handle_tally
from bot.slack.listeners.commands.target import handle_target

COMMANDS: dict[str, Callable[..., Any]] = {
    "/log": handle_log,
    "/scorecard": handle_scorecard,
    "/standings": handle_standings,
    "/target": handle_target,
    "/plan": handle_plan,
    "/funnel": handle_funnel,
    "/kpis": handle_kpis,
    "/tally": handle_tally,
}
# Commands whose ack does work first: an acknowledged /log is a stored /log.
ACKNOWLEDGE: dict[str, Callable[..., Any]] = {"/log": ack_log}


def register(app: App, *, lazy: bool) -> None:
    """Attach every slash command."""
    for name, handler in COMMANDS.items():
        attach(app.command(name), handler, lazy=lazy, acknowledge=ACKNOWLEDGE.get(name))
