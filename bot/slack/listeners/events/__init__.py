"""Events API subscriptions."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.errors import replies_on_failure
from bot.slack.listeners.events.app_home import handle_app_home_opened
from bot.slack.listeners.events.uninstall import handle_uninstalled
from bot.slack.listeners.events.user_change import handle_user_change


def register(app: App) -> None:
    """Attach every event listener."""
    app.event("app_home_opened")(replies_on_failure(handle_app_home_opened))
    app.event("user_change")(replies_on_failure(handle_user_change))
    app.event("app_uninstalled")(replies_on_failure(handle_uninstalled))
    app.event("tokens_revoked")(replies_on_failure(handle_uninstalled))
