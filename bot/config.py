"""Settings from the environment, read once by the composition root (`bot/__main__.py`) and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.logs import LOG_FORMATS
from metrics.periods import WEEKDAY_NAMES, is_valid_zone
from metrics.records import WorkspaceDefaults

SLACK_API_DEFAULT = "https://slack.com/api/"
DATABASE_DEFAULT = "sqlite:///tally.db"


class ConfigError(Exception):
    """The environment is missing or misstates something Tally needs; the message names every problem."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything Tally reads from its environment.

    Attributes:
        bot_token: SLACK_BOT_TOKEN, the bot's xoxb- token.
        app_token: SLACK_APP_TOKEN, the xapp- token Socket Mode connects with.
        signing_secret: SLACK_SIGNING_SECRET, verifies requests in HTTP mode.
        slack_api_url: SLACK_API_URL, base URL of the Slack Web API (a local fake in tests and the playground).
        database_url: DATABASE_URL, a SQLAlchemy URL.
        workspace_defaults: TALLY_TIMEZONE, TALLY_WEEK_START and TALLY_BACKDATE_DAYS for new workspaces.
        log_level: TALLY_LOG_LEVEL (default INFO; WARNING for the playground).
        client_id: SLACK_CLIENT_ID; with client_secret, Tally installs into many workspaces through OAuth.
        client_secret: SLACK_CLIENT_SECRET.
        secret_key: TALLY_SECRET_KEY, the Fernet key(s) that encrypt stored tokens (required with OAuth).
        redirect_uri: SLACK_REDIRECT_URI, the OAuth redirect URL if the app lists more than one.
        log_format: TALLY_LOG_FORMAT, "text" (default) or "json" (one object per line).
        prometheus_multiproc_dir: PROMETHEUS_MULTIPROC_DIR, set when several worker processes serve /metrics.
        teams_app_id: MICROSOFT_APP_ID, the Azure Bot's app (client) id; Teams requests must be signed for it.
        teams_app_password: MICROSOFT_APP_PASSWORD, that app's client secret (gets tokens to send to Teams).
        teams_tenant_id: MICROSOFT_APP_TENANT_ID, the tenant of a single-tenant bot registration.
    """

    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = DATABASE_DEFAULT
    workspace_defaults: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)
    log_level: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    secret_key: str | None = None
    redirect_uri: str | None = None
    log_format: str = "text"
    prometheus_multiproc_dir: str | None = None
    teams_app_id: str | None = None
    teams_app_password: str | None = None
    teams_tenant_id: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Read settings from `env`, raising ConfigError that lists every malformed value at once."""
        problems: list[str] = []
        defaults = WorkspaceDefaults(
            timezone=_timezone(env.get("TALLY_TIMEZONE", "UTC"), problems),
            week_start=_week_start(env.get("TALLY_WEEK_START", "monday"), problems),
            backdate_days=_backdate(env.get("TALLY_BACKDATE_DAYS", "7"), problems),
        )
        log_format = _log_format(env.get("TALLY_LOG_FORMAT") or "text", problems)
        if problems:
            raise ConfigError("; ".join(problems))
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            # WebClient joins method names onto the base URL: without the final slash, /api would be dropped.
            slack_api_url=(env.get("SLACK_API_URL") or SLACK_API_DEFAULT).rstrip("/") + "/",
            database_url=env.get("DATABASE_URL") or DATABASE_DEFAULT,
            workspace_defaults=defaults,
            log_level=(env.get("TALLY_LOG_LEVEL") or "").upper() or None,
            client_id=env.get("SLACK_CLIENT_ID") or None,
            client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            secret_key=env.get("TALLY_SECRET_KEY") or None,
            redirect_uri=env.get("SLACK_REDIRECT_URI") or None,
            log_format=log_format,
            prometheus_multiproc_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
            teams_app_id=env.get("MICROSOFT_APP_ID") or None,
            teams_app_password=env.get("MICROSOFT_APP_PASSWORD") or None,
            teams_tenant_id=env.get("MICROSOFT_APP_TENANT_ID") or None,
        )

    @property
    def oauth(self) -> bool:
        """True when Tally installs into workspaces through OAuth (client id and secret set) instead of one token."""
        return bool(self.client_id or self.client_secret)

    def require(self, *names: str) -> None:
        """Raise ConfigError naming every one of `names` (environment variable names) that is unset."""
        attributes = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_APP_TOKEN": self.app_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
            "TALLY_SECRET_KEY": self.secret_key,
            "MICROSOFT_APP_ID": self.teams_app_id,
            "MICROSOFT_APP_PASSWORD": self.teams_app_password,
            "MICROSOFT_APP_TENANT_ID": self.teams_tenant_id,
        }
        missing = [name for name in names if not attributes[name]]
        if missing:
            raise ConfigError(f"set {' and '.join(missing)} in the environment (see README, 'Configuration')")


def _timezone(value: str, problems: list[str]) -> str:
    if not is_valid_zone(value):
        problems.append(f"TALLY_TIMEZONE={value!r} is not an IANA time zone such as 'America/New_York'")
        return "UTC"
    return value


def _week_start(value: str, problems: list[str]) -> int:
    name = value.strip().lower()
    for index, weekday in enumerate(WEEKDAY_NAMES):
        if name in (weekday, weekday[:3]):
            return index
    problems.append(f"TALLY_WEEK_START={value!r} is not a weekday name such as 'monday' or 'sunday'")
    return 0


def _backdate(value: str, problems: list[str]) -> int:
    if value.isdigit() and 0 <= int(value) <= 366:
        return int(value)
    problems.append(f"TALLY_BACKDATE_DAYS={value!r} must be a whole number of days from 0 to 366")
    return 7


def _log_format(value: str, problems: list[str]) -> str:
    name = value.strip().lower()
    if name in LOG_FORMATS:
        return name
    problems.append(f"TALLY_LOG_FORMAT={value!r} must be 'text' or 'json'")
    return "text"
