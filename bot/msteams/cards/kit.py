"""Small constructors for the Adaptive Card 1.5 elements Tally uses, markdown escaping, and the 1.5 limits.

Teams renders Adaptive Cards up to schema 1.5 on desktop and web, and refuses a bot message over about 28 KB
(its JSON, cards included). `check_card` names every way a card breaks those rules; the tests run it on every
card Tally builds, and builders keep long lists within the budget by leaving rows out and saying how many.
"""

from __future__ import annotations

import json
import re
from typing import Any

Card = dict[str, Any]
Element = dict[str, Any]

VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MESSAGE_LIMIT = 28_000  # bytes of a Teams bot message; a card's JSON must stay well inside it
CARD_BUDGET = 20_000  # what a builder may spend on one card, leaving room for the activity around it
TEXT_BUDGET = 12_000  # characters of listed lines (standings rows, targets) before "…and N more"

# Every element and action type of Adaptive Cards 1.5 (and the 1.4 Action.Execute), nothing newer.
ELEMENTS_1_5 = frozenset({
    "TextBlock", "Image", "Media", "RichTextBlock", "TextRun", "ActionSet", "Container", "ColumnSet", "Column",
    "FactSet", "ImageSet", "Table", "TableRow", "TableCell", "Input.Text", "Input.Number", "Input.Date",
    "Input.Time", "Input.Toggle", "Input.ChoiceSet",
})  # fmt: skip
ACTIONS_1_5 = frozenset({
    "Action.OpenUrl", "Action.Submit", "Action.ShowCard", "Action.ToggleVisibility", "Action.Execute",
})  # fmt: skip
# Enough to keep typed text literal: emphasis, links (no "[" → no link), code and strikethrough.
_MARKDOWN = re.compile(r"([\\*_\[\]`~])")


def md(text: str) -> str:
    """Escape what a person typed (a name, an account) so Teams' markdown shows it as typed."""
    return _MARKDOWN.sub(r"\\\1", text)


def card(body: list[Element], *, fallback: str, actions: list[Element] | None = None) -> Card:
    """A 1.5 card; `fallback` is what a client that cannot render it shows instead."""
    built: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        built["actions"] = actions
    built["fallbackText"] = fallback
    built["msteams"] = {"width": "Full"}
    return built


def heading(text: str) -> Element:
    """A bold, larger line at the top of a card."""
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "wrap": True}


def text(value: str, *, subtle: bool = False, bold: bool = False) -> Element:
    """A wrapping line of markdown (escape user text with `md`)."""
    block: Element = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
        block["size"] = "Small"
    if bold:
        block["weight"] = "Bolder"
    return block


def facts(pairs: list[tuple[str, str]]) -> Element:
    """Name–value rows, e.g. a metric and how far along it is."""
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def submit(title: str, data: dict[str, Any]) -> Element:
    """A button that sends `data` back to the bot (as a message activity's `value`)."""
    return {"type": "Action.Submit", "title": title[:60], "data": data}


def task_button(title: str, data: dict[str, Any]) -> Element:
    """A button that opens a dialog: Teams sends `task/fetch` with `data` instead of a message."""
    return submit(title, {"msteams": {"type": "task/fetch"}, **data})


def budgeted(lines: list[str], budget: int = TEXT_BUDGET, more: str = "…and {} more") -> list[str]:
    """As many lines as fit `budget` characters; what does not fit is counted in a last line, never cut."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) > budget:
            return [*kept, more.format(len(lines) - index)]
        kept.append(line)
        used += len(line) + 1
    return kept


def size_of(value: Any) -> int:
    """Bytes of `value` as JSON (what Teams counts against its message limit)."""
    return len(json.dumps(value, ensure_ascii=False).encode())


def check_card(built: Card) -> list[str]:
    """Every way `built` breaks Adaptive Cards 1.5 or Teams' limits ([] when it keeps them)."""
    problems = []
    if built.get("type") != "AdaptiveCard" or built.get("version") != VERSION:
        problems.append("not an AdaptiveCard of version 1.5")
    size = size_of(built)  # embedded images included: Teams counts them against the message size
    if size > CARD_BUDGET:
        problems.append(f"{size} bytes, over the {CARD_BUDGET} budget")
    for element in _walk(built.get("body", [])):
        problems.extend(_element_problems(element))
    for action in _walk(built.get("actions", [])):
        if action.get("type") not in ACTIONS_1_5:
            problems.append(f"action {action.get('type')!r} is not in 1.5")
    return problems


def _element_problems(element: Element) -> list[str]:
    kind = element.get("type")
    if kind in ACTIONS_1_5:
        return []
    if kind not in ELEMENTS_1_5:
        return [f"element {kind!r} is not in 1.5"]
    if kind == "TextBlock" and not isinstance(element.get("text"), str):
        return ["a TextBlock without text"]
    if kind.startswith("Input.") and not element.get("id"):
        return [f"{kind} without an id"]
    if kind == "FactSet" and not all({"title", "value"} <= set(fact) for fact in element.get("facts", [])):
        return ["a fact without title or value"]
    return []


def _walk(elements: list[Element]) -> list[Element]:
    """Every element and action below `elements`, depth first (columns, containers, cells, action sets)."""
    found = []
    for element in elements:
        found.append(element)
        for key in ("items", "columns", "rows", "cells", "actions", "inlines"):
            children = element.get(key)
            if isinstance(children, list):
                found.extend(_walk(children))
    return found
