"""Small constructors for the Block Kit elements Tally uses, and escaping for user-supplied text."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]
Message = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150


def escape(text: str) -> str:
    """Escape Slack's three control characters so user text can never become a mention, link or broadcast.

    Only &, < and > are special in mrkdwn (Slack's formatting reference); `<!channel>` typed by a user is
    shown as text, not sent as an @channel.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> Block:
    """A mrkdwn section; `text` must already be escaped where it holds user input."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SECTION_TEXT_LIMIT)}}


def header(text: str) -> Block:
    """A plain-text header."""
    return {"type": "header", "text": {"type": "plain_text", "text": _clip(text, HEADER_LIMIT), "emoji": True}}


def context(text: str) -> Block:
    """A small grey mrkdwn line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(text, SECTION_TEXT_LIMIT)}]}


def divider() -> Block:
    """A horizontal rule."""
    return {"type": "divider"}


def button(label: str, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    """A button element."""
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label[:75], "emoji": True},
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any]) -> Block:
    """A row of interactive elements."""
    return {"type": "actions", "elements": list(elements)}


def message(text: str, blocks: list[Block]) -> Message:
    """A message with its notification fallback text."""
    return {"text": text, "blocks": blocks}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
