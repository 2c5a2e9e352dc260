"""Building and signing the HTTP requests Slack sends an app, and posting them.

The playground speaks to the real Bolt app exactly as Slack does: form-encoded slash commands, a `payload` form
field for interactions, JSON for events, each signed with the v0 scheme (HMAC-SHA256 over `v0:timestamp:body`).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class HttpReply:
    """What the app answered."""

    status: int
    body: str

    def json(self) -> Any:
        """The body decoded as JSON (an ack with a message), or None if it is empty or not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class SignedPoster:
    """Posts signed requests to one app endpoint."""

    url: str
    signing_secret: str

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> HttpReply:
        """POST `body`, signed for `timestamp` (default: now) unless an explicit `signature` is given."""
        stamp = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": signature or sign(self.signing_secret, stamp, body),
            **(extra_headers or {}),
        }
        request = urllib.request.Request(self.url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return HttpReply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return HttpReply(error.code, error.read().decode())


def sign(signing_secret: str, timestamp: int, body: str) -> str:
    """Slack's v0 request signature."""
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=str(timestamp), body=body)
    if signature is None:
        raise ValueError("could not sign")
    return signature


def slash_command(
    command: str,
    text: str,
    *,
    user_id: str,
    team_id: str,
    response_url: str,
    trigger_id: str | None = None,
    channel_id: str = "C0SALESFLR",
) -> str:
    """The form body of a slash command invocation."""
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "team_domain": "playground",
            "channel_id": channel_id,
            "channel_name": "sales-floor",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TALLY",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def block_action(
    action_id: str,
    value: str,
    *,
    user_id: str,
    team_id: str,
    response_url: str | None,
    trigger_id: str | None = None,
    container: dict[str, Any] | None = None,
) -> str:
    """The form body of a button press."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "playground"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0TALLY",
        "trigger_id": trigger_id or new_trigger_id(),
        "container": container or {"type": "message", "is_ephemeral": True},
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": f"{time.time()}"}
        ],
    }
    if response_url:
        payload["response_url"] = response_url
    return urlencode({"payload": json.dumps(payload)})


def view_submission(
    callback_id: str,
    values: dict[str, Any],
    *,
    user_id: str,
    team_id: str,
    view_id: str | None = None,
    private_metadata: str = "",
) -> str:
    """The form body of a modal being submitted."""
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "playground"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0TALLY",
        "trigger_id": new_trigger_id(),
        "view": {
            "id": view_id or "V" + uuid.uuid4().hex[:10].upper(),
            "type": "modal",
            "callback_id": callback_id,
            "team_id": team_id,
            "state": {"values": values},
            "private_metadata": private_metadata,
        },
    }
    return urlencode({"payload": json.dumps(payload)})


def event_callback(event: dict[str, Any], *, team_id: str, event_id: str | None = None) -> str:
    """The JSON body of an Events API delivery."""
    return json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "api_app_id": "A0TALLY",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "U0TALLYBOT", "is_bot": True}],
        }
    )


def new_trigger_id() -> str:
    """A trigger id shaped like Slack's."""
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"
