"""The Web API methods the fake Slack answers, as Slack does (the shapes Tally reads)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.playground.fake_slack import FakeSlack

BOT_USER_ID = "U0TALLYBOT"


def _auth_test(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://playground.slack.invalid/",
        "team": "Playground",
        "user": "tally",
        "team_id": params["_team_id"],
        "user_id": BOT_USER_ID,
        "bot_id": "B0TALLY",
        "is_enterprise_install": False,
    }


def _users_info(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    user = fake.users.get(str(params.get("user", "")))
    if user is None or user.get("team_id") != params["_team_id"]:  # another workspace's people are not visible
        return {"ok": False, "error": "user_not_found"}
    return {"ok": True, "user": user}


def _post_message(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel = str(params.get("channel", ""))
    if channel.startswith("U"):
        if channel not in fake.users:
            return {"ok": False, "error": "channel_not_found"}
        if fake.users[channel].get("deleted"):
            return {"ok": False, "error": "user_disabled"}
        channel = "D" + channel[1:]  # posting to a user id lands in the app's DM with them
    if channel in fake.archived:
        return {"ok": False, "error": "is_archived"}
    ts = fake.next_ts()
    message = {
        "type": "message",
        "user": BOT_USER_ID,
        "ts": ts,
        "text": params.get("text", ""),
        "blocks": _decoded(params.get("blocks")),
        "metadata": _decoded(params.get("metadata")),
        "team": params["_team_id"],  # whose token posted it
    }
    fake.store_message(channel, message)
    return {"ok": True, "channel": channel, "ts": ts, "message": {"text": message["text"], "ts": ts}}


def _history(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel = str(params.get("channel", ""))
    oldest = float(params.get("oldest") or 0)
    with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
    found = [
        message if with_metadata else {k: v for k, v in message.items() if k != "metadata"}
        for message in reversed(fake.messages.get(channel, []))
        if float(message["ts"]) > oldest
    ]
    limit = int(params.get("limit") or 100)
    return {"ok": True, "messages": found[:limit], "has_more": len(found) > limit}


def _get_upload_url(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    file_id = "F" + uuid.uuid4().hex[:10].upper()
    return {"ok": True, "file_id": file_id, "upload_url": f"{fake.root_url}/upload/{file_id}"}


def _complete_upload(fake: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    files = _decoded(params.get("files")) or []
    channel = params.get("channel_id")
    if channel:
        fake.store_message(str(channel), {"type": "message", "ts": fake.next_ts(), "files": files, "text": ""})
    return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


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
    "conversations.history": _history,
    "files.getUploadURLExternal": _get_upload_url,
    "files.completeUploadExternal": _complete_upload,
}
