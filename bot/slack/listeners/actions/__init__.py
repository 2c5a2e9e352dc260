"""Button presses."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.blocks import ids
from bot.slack.errors import replies_on_failure
from bot.slack.listeners.actions.log_form import handle_open_log_form
from bot.slack.listeners.actions.undo import handle_undo


def register(app: App) -> None:
    """Attach every action listener."""
    app.action(ids.UNDO_LOG)(replies_on_failure(handle_undo))
    app.action(ids.OPEN_LOG_FORM)(replies_on_failure(handle_open_log_form))
