"""Assembling Tally from its settings: the runtime, the Bolt app, and clients for scheduled work.

Used by the composition root (bot/__main__.py) for every command that talks to Slack. Two shapes: one bot token
(SLACK_BOT_TOKEN, a single workspace) or OAuth installs (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, many
workspaces, tokens encrypted with TALLY_SECRET_KEY).
"""

from __future__ import annotations

from concurrent.futures import Executor

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import ConfigError, Settings
from bot.notifiers import RoutingNotifier
from bot.slack.clients import OneToken, WorkspaceClients, notifier_client
from bot.slack.installations import EncryptedInstallationStore
from bot.slack.notifier import SlackNotifier
from bot.slack.oauth import OAuthApp, installation_store, installed_clients, oauth_settings
from bot.slack.runtime import Runtime
from metrics import db
from metrics.notify import Notifier


def require_sender(settings: Settings, *, teams_anonymous: bool = False) -> None:
    """Raise ConfigError unless scheduled messages can go somewhere: Slack, or Teams (registered or anonymous)."""
    if teams_anonymous or settings.teams_app_id:
        return
    require_slack(settings, serving=False)


def scheduler_notifier(settings: Settings, runtime: Runtime, *, teams_anonymous: bool = False) -> RoutingNotifier:
    """The notifier scheduled messages go out through: Slack's when Slack is configured, Teams' when MICROSOFT_APP_*
    is set (or `teams_anonymous`, for local development against a fake or the Agents Playground), each delivery
    routed by its workspace's platform.

    Raises:
        ConfigError: MICROSOFT_APP_ID is set but its password or tenant is not.
    """
    by_platform: dict[str, Notifier] = {}
    clients = workspace_clients(settings, runtime)
    if clients is not None:
        by_platform["slack"] = SlackNotifier(clients)
    if teams_anonymous or settings.teams_app_id:
        # Imported only here: the Agents SDK and aiohttp are no weight for a Slack-only process.
        from bot.msteams.auth import teams_auth
        from bot.msteams.notifier import TeamsNotifier

        by_platform["teams"] = TeamsNotifier(teams_auth(settings, anonymous=teams_anonymous))
    return RoutingNotifier(by_platform)


def require_slack(settings: Settings, *, serving: bool, http: bool = False) -> None:
    """Raise ConfigError naming what is missing to talk to Slack (serving: answer requests, not only send)."""
    if settings.oauth:
        settings.require("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "TALLY_SECRET_KEY")
        if serving and not http:
            raise ConfigError("OAuth installs need the HTTP endpoints: run `tally run --http`")
        if serving:
            settings.require("SLACK_SIGNING_SECRET")
        return
    needed = ["SLACK_BOT_TOKEN"]
    if serving:
        needed.append("SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN")
    settings.require(*needed)


def runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    """Sessions on DATABASE_URL (migrated to the newest schema unless `migrate` is off) and, with OAuth, the store."""
    engine = db.make_engine(settings.database_url)
    if migrate:
        db.upgrade(engine)
    store = installation_store(_oauth_app(settings), engine) if settings.oauth else None
    return Runtime(sessions=db.make_sessionmaker(engine), defaults=settings.workspace_defaults, installations=store)


def bolt_app(runtime: Runtime, settings: Settings, executor: Executor | None = None) -> App:
    """Tally's Bolt app for these settings (OAuth when configured)."""
    from bot.slack.app import build_app

    oauth = None
    if settings.oauth:
        assert isinstance(runtime.installations, EncryptedInstallationStore)
        oauth = oauth_settings(_oauth_app(settings), runtime.installations, runtime)
    return build_app(
        runtime=runtime,
        bot_token=settings.bot_token,
        signing_secret=settings.signing_secret,
        slack_api_url=settings.slack_api_url,
        listener_executor=executor,
        oauth=oauth,
    )


def workspace_clients(settings: Settings, runtime: Runtime) -> WorkspaceClients | None:
    """Clients for scheduled work: each installed workspace's, or the one bot token's; None without either."""
    if settings.oauth:
        assert isinstance(runtime.installations, EncryptedInstallationStore)
        return installed_clients(_oauth_app(settings), runtime.installations)
    if settings.bot_token:
        return OneToken(notifier_client(settings.bot_token, settings.slack_api_url))
    return None


def any_clients(settings: Settings, runtime: Runtime) -> WorkspaceClients:
    """workspace_clients, or a token-less client when only listing (nothing is sent)."""
    return workspace_clients(settings, runtime) or OneToken(WebClient())


def _oauth_app(settings: Settings) -> OAuthApp:
    return OAuthApp(
        client_id=settings.client_id or "",
        client_secret=settings.client_secret or "",
        secret_key=settings.secret_key or "",
        api_url=settings.slack_api_url,
        redirect_uri=settings.redirect_uri,
    )
