"""Block Kit as readable terminal text."""

from __future__ import annotations

import re
from typing import Any

_EMOJI = {
    ":white_check_mark:": "✅",
    ":warning:": "⚠️",
    ":x:": "❌",
    ":information_source:": "ℹ️",
    ":leftwards_arrow_with_hook:": "↩️",
    ":chart_with_upwards_trend:": "📈",
    ":trophy:": "🏆",
    ":heavy_minus_sign:": "➖",
}
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")


def mrkdwn(text: str) -> str:
    """Slack mrkdwn as plain text: emoji codes shown, bold markers dropped, escapes undone."""
    text = _EMOJI_CODE.sub(lambda match: _EMOJI.get(match.group(0), match.group(0)), text)
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_blocks(blocks: list[dict[str, Any]]) -> list[str]:
    """One or more lines per block, in order."""
    lines: list[str] = []
    for block in blocks:
        lines.extend(_render_block(block))
    return lines


def _text(element: dict[str, Any] | None) -> str:
    if not element:
        return ""
    raw = str(element.get("text", ""))
    return mrkdwn(raw) if element.get("type") == "mrkdwn" else raw


def _render_block(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"))
        return [title, "═" * min(len(title), 60)]
    if kind == "section":
        lines = _text(block.get("text")).splitlines()
        lines += [_text(field) for field in block.get("fields", [])]
        return lines
    if kind == "context":
        return ["  " + "  ".join(_text(element) for element in block.get("elements", []))]
    if kind == "divider":
        return ["─" * 40]
    if kind == "actions":
        return ["  ".join(f"[{_text(element.get('text'))}]" for element in block.get("elements", []))]
    if kind == "input":
        optional = " (optional)" if block.get("optional") else ""
        return [f"{_text(block.get('label'))}{optional}: ____  ({block.get('block_id')})"]
    return [f"<{kind} block>"]
