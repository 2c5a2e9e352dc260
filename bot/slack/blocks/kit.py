"""Small constructors for the Block Kit elements Tally uses, and escaping for user-supplied text."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]
Message = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
MESSAGE_TEXT_BUDGET = 24_000  # of the 40,000 characters Slack takes in a message's blocks, leaving room for markup


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


def packed_sections(
    lines: list[str], max_blocks: int, more: str = "…and {} more", budget: int = MESSAGE_TEXT_BUDGET
) -> list[Block]:
    """Lines packed into as few sections as fit Slack's text limit: at most `max_blocks` sections and `budget`
    characters in all. What does not fit is counted in a last line ("…and 12 more"), never cut mid-line.
    """
    chunks: list[list[str]] = [[]]
    used = 0
    for index, line in enumerate(lines):
        full = len("\n".join([*chunks[-1], line])) > SECTION_TEXT_LIMIT - 40
        if used + len(line) > budget or (full and len(chunks) == max_blocks):
            chunks[-1].append(more.format(len(lines) - index))
            break
        if full:
            chunks.append([])
        chunks[-1].append(line)
        used += len(line) + 1
    return [section("\n".join(chunk)) for chunk in chunks if chunk]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
