"""What the playground prints for one request: the app's HTTP answer and the Slack calls it made."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.playground.fake_slack import Call
from bot.playground.render import mrkdwn, render_blocks
from bot.playground.slack_requests import HttpReply

QUIET_METHODS = {"auth.test", "users.info"}


def render_calls(reply: HttpReply, calls: list[Call], user: str, *, show_home: bool = False) -> Iterator[str]:
    """Lines describing the reply to `user`'s request and every visible effect it had."""
    if reply.status != 200:
        yield f"  (the app answered HTTP {reply.status}: {reply.body[:200]})"
    acked = reply.json()
    if isinstance(acked, dict) and acked.get("response_action") == "errors":
        yield f"  ┌─ the form stays open for {user}, with errors"
        for field, message in acked.get("errors", {}).items():
            yield f"  │ {field}: {message}"
        yield "  └─"
    elif isinstance(acked, dict) and (acked.get("text") or acked.get("blocks")):
        yield from _box(f"only {user} sees this", acked)
    for call in calls:
        if call.status != 200 or call.method in QUIET_METHODS:
            continue
        yield from _effect(call, user, show_home)


def _effect(call: Call, user: str, show_home: bool) -> Iterator[str]:
    if call.method == "response_url":
        replaces = str(call.params.get("replace_original", "")).lower() == "true"
        visible = "everyone in the channel sees this" if call.params.get("response_type") == "in_channel" else ""
        title = visible or f"only {user} sees this" + (", replacing the earlier message" if replaces else "")
        yield from _box(title, call.params)
    elif call.method == "chat.postMessage":
        channel = str(call.params.get("channel", ""))
        where = f"DM to {user}" if channel.startswith(("U", "D")) else f"posted in <#{channel}>"
        yield from _box(where, call.params, call)
    elif call.method == "views.publish":
        if show_home:
            yield from _box(f"{user}'s App Home", call.json_param("view") or {})
        else:
            yield f"  ({user}'s App Home tab was refreshed)"
    elif call.method == "views.open":
        view = call.json_param("view") or {}
        title = (view.get("title") or {}).get("text", "form")
        yield from _box(f"form “{title}” opened for {user}", view)
    else:
        yield f"  (Slack API call: {call.method})"


def _box(title: str, message: dict[str, Any], call: Call | None = None) -> Iterator[str]:
    blocks = call.json_param("blocks") if call is not None else message.get("blocks")
    if isinstance(blocks, str):
        blocks = Call("", {"b": blocks}, {}, 200, 0).json_param("b")
    lines = render_blocks(blocks) if blocks else mrkdwn(str(message.get("text", ""))).splitlines()
    yield f"  ┌─ {title}"
    for line in lines:
        yield f"  │ {line}"
    yield "  └─"
