"""Installing Tally into many workspaces: Bolt's OAuth flow on Tally's stores, and clients for scheduled work.

Set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and TALLY_SECRET_KEY and Tally serves /slack/install (the "Add to Slack"
page) and /slack/oauth_redirect; each workspace that installs gets its own encrypted bot token, rotated when
the app has token rotation on, for requests (Bolt) and for scheduled messages (InstalledClients) alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from bot.slack.clients import InstalledClients, notifier_client
from bot.slack.installations import EncryptedInstallationStore, TokenCipher, state_store
from bot.slack.runtime import Runtime
from metrics.records import Platform
from metrics.services import identity

# The bot scopes Tally asks for; manifest.yml lists exactly these (a test checks).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "files:write",
)


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """The credentials of the Slack app that workspaces install."""

    client_id: str
    client_secret: str
    secret_key: str
    api_url: str
    redirect_uri: str | None = None


def installation_store(app: OAuthApp, engine: Engine) -> EncryptedInstallationStore:
    """The encrypted installation store; raises ConfigError if TALLY_SECRET_KEY is not a valid key."""
    return EncryptedInstallationStore(client_id=app.client_id, engine=engine, cipher=TokenCipher(app.secret_key))


def oauth_settings(app: OAuthApp, store: EncryptedInstallationStore, runtime: Runtime) -> OAuthSettings:
    """Bolt's OAuth settings: Tally's scopes and stores, and a success step that records the workspace."""
    settings = OAuthSettings(
        client_id=app.client_id,
        client_secret=app.client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=app.redirect_uri,
        installation_store=store,
        installation_store_bot_only=True,  # Tally acts as its bot only; it asks for no user token
        state_store=state_store(store.engine),
        callback_options=CallbackOptions(success=_record_install(runtime), failure=_default_failure),
    )
    # Bolt's authorize rotates tokens through a default client (Slack's public URL); use SLACK_API_URL like
    # every other call, so a proxy, or the fake Slack in tests, sees the rotation too.
    assert isinstance(settings.authorize, InstallationStoreAuthorize)
    settings.authorize.token_rotator = TokenRotator(
        client_id=app.client_id, client_secret=app.client_secret, client=notifier_client(None, app.api_url)
    )
    return settings


def installed_clients(app: OAuthApp, store: EncryptedInstallationStore) -> InstalledClients:
    """Per-workspace clients for scheduled work, from the same store."""
    return InstalledClients(store=store, client_id=app.client_id, client_secret=app.client_secret, base_url=app.api_url)


def _record_install(runtime: Runtime) -> Callable[[SuccessArgs], BoltResponse]:
    def record_install(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        with runtime.sessions.begin() as session:
            identity.mark_installed(
                session,
                platform=Platform.SLACK,
                workspace_external_id=installation.team_id or "",
                name=installation.team_name or "",
                defaults=runtime.defaults,
                now=runtime.clock(),
            )
        return args.default.success(args)

    return record_install


def _default_failure(args: FailureArgs) -> BoltResponse:
    return args.default.failure(args)
