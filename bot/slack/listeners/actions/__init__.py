"""Button presses."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.slack.blocks import ids
from bot.slack.errors import attach
from bot.slack.listeners.actions.home import handle_home_page, handle_open_settings
from bot.slack.listeners.actions.log_form import handle_open_log_form
from bot.slack.listeners.actions.quick_log import handle_quick_log
from bot.slack.listeners.actions.undo import handle_undo


def register(app: App, *, lazy: bool) -> None:
    """Attach every action listener."""
    attach(app.action(ids.UNDO_LOG), handle_undo, lazy=lazy)
    attach(app.action(ids.OPEN_LOG_FORM), handle_open_log_form, lazy=lazy)
    attach(app.action(ids.OPEN_SETTINGS), handle_open_settings, lazy=lazy)
    attach(app.action(ids.HOME_PAGE_PREVIOUS), handle_home_page, lazy=lazy)
    attach(app.action(ids.HOME_PAGE_NEXT), handle_home_page, lazy=lazy)
    # A nudge may carry several quick-log buttons; from the second on, their action ids are numbered.
    attach(app.action(re.compile(rf"^{ids.QUICK_LOG}(:\d+)?$")), handle_quick_log, lazy=lazy)
