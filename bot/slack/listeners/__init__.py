"""Listener packages, each with `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, views


def register_listeners(app: App) -> None:
    """Attach every listener Tally has to `app`."""
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
