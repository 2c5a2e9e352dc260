"""Button presses."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.slack.blocks import ids
from bot.slack.errors import replies_on_failure
from bot.slack.listeners.actions.home import handle_home_page, handle_open_settings
from bot.slack.listeners.actions.log_form import handle_open_log_form
from bot.slack.listeners.actions.quick_log import handle_quick_log
from bot.slack.listeners.actions.undo import handle_undo


def register(app: App) -> None:
    """Attach every action listener."""
    app.action(ids.UNDO_LOG)(replies_on_failure(handle_undo))
    app.action(ids.OPEN_LOG_FORM)(replies_on_failure(handle_open_log_form))
    app.action(ids.OPEN_SETTINGS)(replies_on_failure(handle_open_settings))
    app.action(ids.HOME_PAGE_PREVIOUS)(replies_on_failure(handle_home_page))
    app.action(ids.HOME_PAGE_NEXT)(replies_on_failure(handle_home_page))
    # A nudge may carry several quick-log buttons; from the second on, their action ids are numbered.
    app.action(re.compile(rf"^{ids.QUICK_LOG}(:\d+)?$"))(replies_on_failure(handle_quick_log))
