"""Web API clients for work done outside a request (scheduled messages, Home refreshes), per workspace.

Inside a request Bolt hands each listener a client with that workspace's token. Scheduled jobs have no request:
they ask a WorkspaceClients for the workspace they are sending to. With one bot token (Socket Mode, one
workspace) that is always the same client; with OAuth installs it is the workspace's bot token from the
installation store, rotated first when it is about to expire.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

ROTATE_MINUTES_BEFORE_EXPIRY = 120  # as Bolt does for requests


class NotInstalled(Exception):
    """Tally has no bot token for this workspace (never installed, uninstalled, or its token was revoked)."""


class WorkspaceClients(Protocol):
    """Hands out a client whose token works in a given workspace."""

    def for_team(self, team_id: str) -> WebClient:
        """A client for `team_id`; raises NotInstalled when there is none."""
        ...


def notifier_client(token: str | None, base_url: str, timeout: int = 15) -> WebClient:
    """A WebClient for work outside requests: Tally's API URL, a timeout, and no retry handlers.

    slack_sdk's default handler retries a dropped connection once, which could post a message twice; retrying
    is the dispatcher's job, and it looks before it resends.
    """
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


@dataclass(frozen=True, slots=True)
class OneToken:
    """One bot token for every workspace: a single-workspace install (SLACK_BOT_TOKEN)."""

    client: WebClient

    def for_team(self, team_id: str) -> WebClient:
        """The one client, whatever the workspace."""
        return self.client


@dataclass
class InstalledClients:
    """Each workspace's bot token from the installation store, rotated when it nears expiry, cached meanwhile."""

    store: InstallationStore
    client_id: str
    client_secret: str
    base_url: str
    _cache: dict[str, tuple[WebClient, float]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def for_team(self, team_id: str) -> WebClient:
        """A client with `team_id`'s current bot token (one store lookup per workspace until it nears expiry)."""
        with self._lock:
            cached = self._cache.get(team_id)
            if cached is not None and time.time() < cached[1]:
                return cached[0]
            client, fresh_until = self._load(team_id)
            self._cache[team_id] = (client, fresh_until)
            return client

    def _load(self, team_id: str) -> tuple[WebClient, float]:
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(team_id)
        if bot.bot_refresh_token:
            rotator = TokenRotator(
                client_id=self.client_id,
                client_secret=self.client_secret,
                client=notifier_client(None, self.base_url),
            )
            rotated = rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
            )
            if rotated is not None:
                self.store.save_bot(rotated)
                bot = rotated
        margin = ROTATE_MINUTES_BEFORE_EXPIRY * 60
        expires = bot.bot_token_expires_at
        fresh_until = time.time() + 300 if expires is None else min(time.time() + 300, expires - margin)
        return notifier_client(bot.bot_token, self.base_url), fresh_until
