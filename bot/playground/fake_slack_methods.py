"""The Web API methods the fake Slack answers, as Slack does (the shapes Tally reads)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.playground.fake_slack import FakeSlack

BOT_USER_ID = "U0TALLYBOT"


def _auth_test(fake: FakeSlack, _params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://playground.slack.invalid/",
        "team": "Playground",
        "user": "tally",
        "team_id": fake.team_id,
        "user_id": BOT_USER_ID,
        "bot_id": "B0TALLY",
        "is_enterprise_install": False,
    }


def _users_info(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    user = fake.users.get(str(params.get("user", "")))
    return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}


def _post_message(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel = str(params.get("channel", ""))
    if channel.startswith("U"):
        channel = "D" + channel[1:]  # posting to a user id lands in the app's DM with them
    ts = fake.next_ts()
    return {"ok": True, "channel": channel, "ts": ts, "message": {"text": params.get("text", ""), "ts": ts}}


def _post_ephemeral(fake: FakeSlack, _params: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "message_ts": fake.next_ts()}


def _view(_fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    view = params.get("view")
    view = json.loads(view) if isinstance(view, str) else dict(view or {})
    return {"ok": True, "view": {**view, "id": "V" + uuid.uuid4().hex[:10].upper(), "hash": uuid.uuid4().hex}}


def _conversations_open(_fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    users = str(params.get("users", "")).split(",")
    return {"ok": True, "channel": {"id": "D" + users[0][1:]}}


METHODS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": _auth_test,
    "users.info": _users_info,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": _post_ephemeral,
    "views.publish": _view,
    "views.open": _view,
    "views.update": _view,
    "conversations.open": _conversations_open,
}
