"""Teams messages and Adaptive Cards as readable terminal text: TextBlocks, FactSets, ColumnSets side by side,
tables, inputs as blanks to fill, and every action as a [button]."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
HERO_CARD = "application/vnd.microsoft.card.hero"
_INPUT_TYPES = ("Input.Text", "Input.Number", "Input.Date", "Input.Time", "Input.Toggle", "Input.ChoiceSet")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def markdown(text: str) -> str:
    """The Markdown subset Teams renders, as plain text: bold and italic markers dropped, links as "text (url)"."""
    text = _LINK.sub(r"\1 (\2)", text)
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"\1", text)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    text = re.sub(r"<at>([^<]*)</at>", r"@\1", text)
    return re.sub(r"<br\s*/?>", "\n", text)


def render_activity(activity: dict[str, Any]) -> list[str]:
    """A message activity's text, cards and suggested actions, in the order Teams shows them."""
    lines = markdown(str(activity.get("text") or "")).splitlines()
    for attachment in activity.get("attachments") or []:
        lines.extend(render_attachment(attachment))
    suggested = (activity.get("suggestedActions") or {}).get("actions") or []
    if suggested:
        lines.append(_buttons(suggested))
    return lines


def render_attachment(attachment: dict[str, Any]) -> list[str]:
    """One attachment: an Adaptive Card or a hero card as text; anything else by its content type."""
    kind, content = attachment.get("contentType"), attachment.get("content") or {}
    if kind == ADAPTIVE_CARD:
        return render_card(content)
    if kind == HERO_CARD:
        lines = [str(content[key]) for key in ("title", "subtitle") if content.get(key)]
        lines += markdown(str(content.get("text") or "")).splitlines()
        return lines + ([_buttons(content["buttons"])] if content.get("buttons") else [])
    return [f"<attachment {kind}>"]


def render_card(card: dict[str, Any]) -> list[str]:
    """An Adaptive Card's body, then its actions as one line of [buttons]."""
    lines = render_elements(card.get("body") or [])
    if card.get("actions"):
        lines.append(_buttons(card["actions"]))
    return lines


def render_elements(elements: list[dict[str, Any]]) -> list[str]:
    """Each visible element's lines, in order."""
    lines: list[str] = []
    for element in elements:
        if element.get("isVisible", True):
            lines.extend(_element(element))
    return lines


def _element(element: dict[str, Any]) -> list[str]:
    kind = str(element.get("type", ""))
    if kind == "TextBlock":
        return _text_block(element)
    if kind == "RichTextBlock":
        return ["".join(_inline(run) for run in element.get("inlines") or [])]
    if kind == "FactSet":
        return _facts(element.get("facts") or [])
    if kind == "ColumnSet":
        return side_by_side([render_elements(column.get("items") or []) for column in element.get("columns") or []])
    if kind == "Container":
        return render_elements(element.get("items") or [])
    if kind == "Table":
        return [_table_row(row) for row in element.get("rows") or []]
    if kind == "ActionSet":
        return [_buttons(element.get("actions") or [])]
    if kind == "Image":
        return [f"[image: {element.get('altText') or 'no description'}]"]
    if kind in _INPUT_TYPES:
        return [_input(element)]
    return [f"<{kind or 'element'}>"]


def _text_block(block: dict[str, Any]) -> list[str]:
    lines = markdown(str(block.get("text", ""))).splitlines()
    heading = block.get("style") == "heading" or block.get("size") in ("large", "extraLarge")
    if heading and lines:
        return [*lines, "═" * min(max(len(line) for line in lines), 60)]
    return lines


def _inline(run: Any) -> str:
    return markdown(run) if isinstance(run, str) else markdown(str(run.get("text", "")))


def _facts(facts: list[dict[str, Any]]) -> list[str]:
    width = max((len(str(fact.get("title", ""))) for fact in facts), default=0)
    return [f"{str(fact.get('title', '')).ljust(width)}  {markdown(str(fact.get('value', '')))}" for fact in facts]


def _table_row(row: dict[str, Any]) -> str:
    return " | ".join(" ".join(render_elements(cell.get("items") or [])) for cell in row.get("cells") or [])


def side_by_side(columns: list[list[str]]) -> list[str]:
    """Columns of lines printed next to each other, each padded to its widest line."""
    columns = [column for column in columns if column]
    widths = [max(len(line) for line in column) for column in columns]
    height = max((len(column) for column in columns), default=0)
    return [
        "   ".join(
            (column[row] if row < len(column) else "").ljust(width)
            for column, width in zip(columns, widths, strict=True)
        ).rstrip()
        for row in range(height)
    ]


def _input(element: dict[str, Any]) -> str:
    label = element.get("label") or element.get("placeholder") or element.get("title") or element.get("id")
    value = element.get("value")
    shown = f"[{value}]" if value not in (None, "") else "____"
    return f"{label}: {shown}  ({element.get('id')})"


def _buttons(actions: list[dict[str, Any]]) -> str:
    return "  ".join(f"[{label}]" for label in button_labels(actions))


def button_labels(actions: list[dict[str, Any]]) -> Iterator[str]:
    """Each action's title, marked ↗ for a link and ▸ for a card that opens below."""
    for action in actions:
        mark = {"Action.OpenUrl": " ↗", "Action.ShowCard": " ▸"}.get(str(action.get("type")), "")
        yield f"{action.get('title', '?')}{mark}"
