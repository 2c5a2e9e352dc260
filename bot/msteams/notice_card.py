"""A neutral `metrics.notify.Message` (a nudge, a standings post, a celebration, a digest) as an Adaptive Card 1.5.

Teams renders Adaptive Cards up to 1.5 on desktop and web. The card carries the message's own text as
`fallbackText`, and the activity carries it as `summary` (what Teams shows in notifications), so no client is left
with nothing. Buttons are Action.Submit; their `data` is the one shape the inbound side routes on:

    {"tally": ACTION, "value": VALUE}                      e.g. {"tally": "quick_log", "value": "dials:10"}
    {"tally": "log-form", "value": "", "msteams": {"type": "task/fetch"}}   opens the log dialog, as the
                                                           replies' "Log several" button does

Charts: Slack gets a PNG uploaded beside the message; a Teams bot cannot upload a file into a chat, so the PNG
goes into the card as a data: URI image when it fits the card's share of Teams' message size limit (about 28 KB
for the whole activity, images included: a 413 would drop the message) and Teams' image limits; otherwise, or
without a renderer, the chart's numbers go in as a FactSet, which every client can show and a screen reader can
read. Tally's digest charts are 17–19 KB of base64 each, so in practice Teams gets the numbers.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Callable
from typing import Any

from metrics.notify import Action, Chart, Message

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
MAX_IMAGE_SIDE = 1024  # pixels: Teams' limit for an image in a card
MAX_IMAGE_BYTES = 1024 * 1024  # Teams' limit per image
# Base64 images count against Teams' message size limit (~28 KB per activity; over it Teams answers 413 and the
# message is lost): the images of one card stay under this, and a chart past it goes in as numbers.
MAX_EMBEDDED_BYTES = 12 * 1024
TASK_FETCH = {"type": "task/fetch"}  # Teams opens a dialog (task module) for an Action.Submit carrying this
# Actions that open a dialog, and the `tally` value the inbound side knows that dialog by.
DIALOGS = {"open_log_form": "log-form"}
_SLACK_BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")

Element = dict[str, Any]
ChartRenderer = Callable[[Chart], bytes]


def teams_markdown(text: str) -> str:
    """Slack's *bold* as Teams' **bold** (italics, `_x_`, are the same in both)."""
    return _SLACK_BOLD.sub(r"**\1**", text)


def build_notice_card(notice: Message, render: ChartRenderer | None = None) -> dict[str, Any]:
    """The card: the title as a heading, each section (heading in bold, one TextBlock per line), the charts, the
    small print, and the buttons."""
    body: list[Element] = [_text(notice.title, size="Large", weight="Bolder", style="heading")]
    for section in notice.sections:
        if section.heading:
            body.append(_text(section.heading, weight="Bolder", spacing="Medium"))
        body.extend(_text(line, spacing="Small") for line in section.lines)
    budget = MAX_EMBEDDED_BYTES
    for chart in notice.charts:
        elements = _chart(chart, render, budget)
        budget -= sum(len(e.get("url", "")) for e in elements)
        body.extend(elements)
    if notice.note:
        body.append(_text(notice.note, size="Small", isSubtle=True, spacing="Medium"))
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "fallbackText": teams_markdown(notice.text),
        "body": body,
        "msteams": {"width": "Full"},
    }
    if notice.actions:
        card["actions"] = [_submit(action) for action in notice.actions]
    return card


def action_data(action: Action) -> dict[str, Any]:
    """What Teams sends back when the button is pressed (the activity's `value`)."""
    data: dict[str, Any] = {"tally": DIALOGS.get(action.action, action.action), "value": action.value}
    if action.action in DIALOGS:
        data["msteams"] = dict(TASK_FETCH)
    return data


def _submit(action: Action) -> Element:
    return {"type": "Action.Submit", "title": action.label, "data": action_data(action)}


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": teams_markdown(text), "wrap": True, **style}


def _chart(chart: Chart, render: ChartRenderer | None, budget: int) -> list[Element]:
    heading = _text(chart.title, weight="Bolder", spacing="Medium")
    png = render(chart) if render is not None else None
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png is not None and _fits(png) else ""
    if uri and len(uri) <= budget:
        return [heading, {"type": "Image", "url": uri, "altText": chart.title, "size": "Stretch"}]
    return [heading, {"type": "FactSet", "facts": _facts(chart)}]


def _facts(chart: Chart) -> list[dict[str, str]]:
    facts = []
    for index, category in enumerate(chart.categories):
        values = [(s.label, s.values[index]) for s in chart.series if index < len(s.values)]
        if chart.kind == "bars":  # one series, as the PNG draws it
            value = " · ".join(f"{v:.0f} %" if "%" in label else f"{v:g}" for label, v in values[:1])
        else:
            value = " · ".join(f"{label} {v:g}" for label, v in values)
        facts.append({"title": category, "value": value or "–"})
    return facts


def _fits(png: bytes) -> bool:
    """Within Teams' image limits: read the width and height from the PNG's IHDR chunk."""
    if len(png) > MAX_IMAGE_BYTES or len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    width, height = struct.unpack(">II", png[16:24])
    return bool(width <= MAX_IMAGE_SIDE and height <= MAX_IMAGE_SIDE)
