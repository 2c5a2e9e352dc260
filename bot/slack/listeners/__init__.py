"""Listener packages, each with `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, views


def register_listeners(app: App, *, lazy: bool) -> None:
    """Attach every listener Tally has to `app` (lazy: commands, actions and events ack first; see errors.attach).

    Modal submissions always run in the request thread: their answer (errors, or closing) is the HTTP response.
    """
    commands.register(app, lazy=lazy)
    actions.register(app, lazy=lazy)
    views.register(app)
    events.register(app, lazy=lazy)
