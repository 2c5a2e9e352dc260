"""Who may talk to the Teams endpoint, and how Tally proves itself when it sends: the Agents SDK's connection
manager and auth configuration, for a registered bot or for anonymous local development.

A registered bot (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID) accepts only requests that
carry a Bot Framework token issued for its app id, and gets its own tokens from Entra ID (MSAL) to send. In
anonymous mode the endpoint accepts unsigned requests and sends without a token: that is what the Microsoft 365
Agents Playground, the tests and `tally playground --teams` use, and it must never face the internet.
"""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import AgentAuthConfiguration, OutboundHostValidator
from microsoft_agents.hosting.core.authorization import (
    AccessTokenProviderBase,
    AnonymousTokenProvider,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectionManager,
    Connections,
)

from bot.config import ConfigError, Settings

SERVICE_CONNECTION = "SERVICE_CONNECTION"  # the SDK's name for the connection it sends replies with


@dataclass(frozen=True)
class TeamsAuth:
    """The SDK objects that decide who may call the endpoint and how Tally authenticates when it sends.

    Attributes:
        configuration: validates incoming requests (the JWT middleware reads it from the aiohttp app).
        connections: gives the adapter its token provider for outgoing calls.
        app_id: the bot's app id ("" in anonymous mode).
        anonymous: True when requests are not authenticated (local development and tests only).
    """

    configuration: AgentAuthConfiguration
    connections: Connections
    app_id: str
    anonymous: bool

    def host_validator(self) -> OutboundHostValidator:
        """Which service URLs Tally sends to: any in anonymous mode (the fake connector, the Agents Playground on
        127.0.0.1), only Microsoft's Bot Connector hosts otherwise, so a request naming another serviceUrl can
        never receive a reply carrying Tally's token."""
        return OutboundHostValidator(enabled=not self.anonymous)

    def allows_service_url(self, service_url: str) -> bool:
        """Whether Tally may send to `service_url` (see `host_validator`)."""
        validator = self.host_validator()
        return not validator.enabled or validator.is_allowed(service_url)

    def proactive_identity(self) -> ClaimsIdentity:
        """The identity a proactive send runs under: the bot's app id, or the anonymous identity."""
        if self.anonymous:
            return ClaimsIdentity({}, "Anonymous")
        # What the SDK's own continue_conversation(app_id, …) builds: its token provider then asks Entra ID for a
        # token to the Bot Connector on the app's behalf.
        claims = {
            AuthenticationConstants.AUDIENCE_CLAIM: self.app_id,
            AuthenticationConstants.APP_ID_CLAIM: self.app_id,
        }
        return ClaimsIdentity(claims)


def teams_auth(settings: Settings, *, anonymous: bool) -> TeamsAuth:
    """Build the auth for `settings`: a registered bot, or anonymous when `anonymous` is asked for.

    Raises:
        ConfigError: not anonymous and the app id, password or tenant is missing.
    """
    if anonymous:
        configuration = AgentAuthConfiguration(anonymous_allowed=True)
        connections = ConnectionManager(
            provider_factory=_anonymous_provider, connections_configurations={SERVICE_CONNECTION: configuration}
        )
        return TeamsAuth(configuration, connections, "", anonymous=True)
    settings.require("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID")
    configuration = AgentAuthConfiguration(
        client_id=settings.teams_app_id,
        client_secret=settings.teams_app_password,
        tenant_id=settings.teams_tenant_id,
        # Off by default in the SDK: then any token for the app id from any issuer passes. On, only the Bot
        # Framework's issuer (Teams' tokens) and the app's own tenant are accepted.
        validate_issuer=True,
    )
    if not configuration.CLIENT_ID:  # unreachable after require(); keeps the type checker honest
        raise ConfigError("set MICROSOFT_APP_ID in the environment")
    manager = MsalConnectionManager(connections_configurations={SERVICE_CONNECTION: configuration})
    return TeamsAuth(configuration, manager, configuration.CLIENT_ID, anonymous=False)


def _anonymous_provider(configuration: AgentAuthConfiguration) -> AccessTokenProviderBase:
    return AnonymousTokenProvider()
