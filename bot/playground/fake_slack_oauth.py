"""The fake Slack's installs: OAuth codes, bot tokens per workspace, token rotation and revocation.

`begin(team_id, team_name)` stands for a person clicking "Allow" on Slack's consent page: it returns the `code`
Slack would put in the redirect. `oauth.v2.access` exchanges a code (or, with rotation on, a refresh token) for a
bot token, as Slack does; every later call is answered as that token's workspace.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

BOT_USER_ID = "U0TALLYBOT"
APP_ID = "A0TALLY"


@dataclass(frozen=True, slots=True)
class Grant:
    """A bot token: its workspace and when it expires (None: never)."""

    team_id: str
    team_name: str
    expires_at: float | None = None


@dataclass
class Installs:
    """Codes waiting to be exchanged, tokens issued, refresh tokens; `rotation_s` turns on token rotation."""

    client_id: str = "CLIENT-ID"
    client_secret: str = "CLIENT-SECRET"
    rotation_s: int | None = None
    grants: dict[str, Grant] = field(default_factory=dict)
    _codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    _refresh: dict[str, tuple[str, str]] = field(default_factory=dict)
    _serial: Any = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, team_id: str, team_name: str) -> str:
        """A one-time code for installing into `team_id`, as the consent page's redirect carries."""
        with self._lock:
            code = f"code-{team_id}-{next(self._serial)}"
            self._codes[code] = (team_id, team_name)
            return code

    def revoke(self, team_id: str) -> None:
        """Every token of `team_id` stops working (the app was uninstalled)."""
        with self._lock:
            self.grants = {token: grant for token, grant in self.grants.items() if grant.team_id != team_id}

    def tokens_of(self, team_id: str) -> list[str]:
        """The tokens issued to `team_id`, oldest first."""
        with self._lock:
            return [token for token, grant in self.grants.items() if grant.team_id == team_id]

    def check(self, token: str | None, now: float) -> tuple[Grant | None, str]:
        """The token's grant, or None and Slack's error for it."""
        with self._lock:
            grant = self.grants.get(token or "")
        if grant is None:
            return None, "not_authed" if not token else "invalid_auth"
        if grant.expires_at is not None and now >= grant.expires_at:
            return None, "token_expired"
        return grant, ""

    def exchange(self, params: dict[str, Any], authorization: str | None, now: float) -> dict[str, Any]:
        """oauth.v2.access: a code, or a refresh token, for a new bot token.

        The app proves itself with HTTP basic auth (as slack_sdk sends it) or client_id/client_secret parameters.
        """
        if _credentials(params, authorization) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            if params.get("grant_type") == "refresh_token":
                team = self._refresh.get(str(params.get("refresh_token")))
                error = "invalid_refresh_token"
            else:
                team = self._codes.pop(str(params.get("code")), None)
                error = "invalid_code"
            if team is None:
                return {"ok": False, "error": error}
            return self._issue(*team, now)

    def _issue(self, team_id: str, team_name: str, now: float) -> dict[str, Any]:
        token = f"xoxb-{team_id}-{next(self._serial)}"
        expires = None if self.rotation_s is None else now + self.rotation_s
        self.grants[token] = Grant(team_id, team_name, expires)
        answer: dict[str, Any] = {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": BOT_USER_ID,
            "app_id": APP_ID,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "UINSTALLER"},
        }
        if self.rotation_s is not None:
            refresh = f"xoxe-1-{team_id}-{next(self._serial)}"
            self._refresh[refresh] = (team_id, team_name)
            answer |= {"refresh_token": refresh, "expires_in": self.rotation_s}
        return answer


def _credentials(params: dict[str, Any], authorization: str | None) -> tuple[str, str]:
    if authorization and authorization.startswith("Basic "):
        try:
            user, _, password = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return user, password
    return str(params.get("client_id", "")), str(params.get("client_secret", ""))
