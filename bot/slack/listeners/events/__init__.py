"""Events API subscriptions."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.errors import attach
from bot.slack.listeners.events.app_home import handle_app_home_opened
from bot.slack.listeners.events.uninstall import handle_uninstalled
from bot.slack.listeners.events.user_change import handle_user_change


def register(app: App, *, lazy: bool) -> None:
    """Attach every event listener."""
    attach(app.event("app_home_opened"), handle_app_home_opened, lazy=lazy)
    attach(app.event("user_change"), handle_user_change, lazy=lazy)
    attach(app.event("app_uninstalled"), handle_uninstalled, lazy=lazy)
    attach(app.event("tokens_revoked"), handle_uninstalled, lazy=lazy)
