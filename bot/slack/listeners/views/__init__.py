"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.blocks import ids
from bot.slack.errors import replies_on_failure
from bot.slack.listeners.views.forget_form import handle_forget_submission
from bot.slack.listeners.views.log_form import handle_log_form_submission
from bot.slack.listeners.views.settings_form import handle_settings_submission


def register(app: App) -> None:
    """Attach every view listener."""
    app.view(ids.LOG_FORM)(replies_on_failure(handle_log_form_submission))
    app.view(ids.SETTINGS_FORM)(replies_on_failure(handle_settings_submission))
    app.view(ids.FORGET_FORM)(replies_on_failure(handle_forget_submission))
