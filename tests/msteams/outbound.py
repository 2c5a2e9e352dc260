"""Helpers for the outbound Teams tests: a notifier against the fake Bot Connector, conversation references like
the ones the inbound side stores, and a checker of cards against Adaptive Cards 1.5 and Teams' limits.

The checker runs the structural check every Teams card gets (`bot/msteams/cards/kit.check_card`: card type and
version, the 1.5 element and action set, inputs with ids, the size budget), then the stricter rules of the
Adaptive Card 1.5 schema for the few elements notice cards use (required properties, enumerated values, no
unknown properties) and Teams' limits: the message size (28 KB of JSON, images included), images of
at most 1024 × 1024 pixels and 1 MB, and six actions.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.config import Settings
from bot.msteams.auth import teams_auth
from bot.msteams.cards import kit
from bot.msteams.notifier import TeamsNotifier
from bot.playground.fake_bot_connector import FakeBotConnector

TENANT = "tenant-1"
MAX_MESSAGE_BYTES = 28_000  # Teams' bot message limit, the whole activity (bot/msteams/cards/kit.MESSAGE_LIMIT)
MAX_ACTIONS = 6  # Teams' host config shows six actions at most
COMMON = {"type", "id", "spacing", "separator", "isVisible", "height", "fallback", "requires"}
ELEMENTS: dict[str, tuple[set[str], set[str]]] = {  # type → (required, allowed) properties
    "TextBlock": ({"text"}, {"text", "wrap", "size", "weight", "color", "isSubtle", "style", "maxLines", "fontType"}),
    "Image": ({"url"}, {"url", "altText", "size", "style", "width", "horizontalAlignment", "backgroundColor"}),
    "FactSet": ({"facts"}, {"facts"}),
    "ActionSet": ({"actions"}, {"actions"}),
    "Container": ({"items"}, {"items", "style", "bleed", "verticalContentAlignment", "selectAction"}),
}
ACTIONS: dict[str, tuple[set[str], set[str]]] = {
    "Action.Submit": ({"title"}, {"type", "title", "data", "id", "iconUrl", "style", "associatedInputs"}),
    "Action.OpenUrl": ({"url"}, {"type", "title", "url", "id", "iconUrl", "style"}),
}
ENUMS = {
    "size": {"default", "small", "medium", "large", "extralarge", "auto", "stretch"},
    "weight": {"default", "lighter", "bolder"},
    "spacing": {"default", "none", "small", "medium", "large", "extralarge", "padding"},
    "style": {"default", "heading", "person", "emphasis", "good", "attention", "warning", "accent", "positive"},
}
CARD_KEYS = {"type", "$schema", "version", "body", "actions", "fallbackText", "msteams", "speak", "lang"}


@contextmanager
def teams_sender(timeout: float = 15.0) -> Iterator[tuple[FakeBotConnector, TeamsNotifier]]:
    """The fake Bot Connector, and a TeamsNotifier in anonymous mode (its service URL is in each reference)."""
    with FakeBotConnector() as connector:
        notifier = TeamsNotifier(teams_auth(Settings(), anonymous=True), timeout=timeout)
        try:
            yield connector, notifier
        finally:
            notifier.close()


def personal_reference(connector: FakeBotConnector, user: str, tenant: str = TENANT) -> dict[str, Any]:
    """What the inbound side stores for a person's 1:1 chat with Tally (their AAD object id is `user`)."""
    return {
        "activityId": f"first-message-of-{user}",
        "user": {"id": f"29:{user}", "aadObjectId": user, "name": user},
        "bot": {"id": "28:tally", "name": "Tally"},
        "conversation": {"conversationType": "personal", "id": f"a:chat-{user}", "tenantId": tenant},
        "channelId": "msteams",
        "serviceUrl": connector.service_url,
    }


def thread_reference(connector: FakeBotConnector, channel: str, tenant: str = TENANT) -> dict[str, Any]:
    """The reference of a message someone posted in a thread of a team's channel."""
    return {
        "activityId": "1700000000001",
        "user": {"id": "29:dee", "aadObjectId": "UDEE", "name": "Dee"},
        "bot": {"id": "28:tally", "name": "Tally"},
        "conversation": {
            "conversationType": "channel",
            "id": f"{channel};messageid=1700000000000",
            "isGroup": True,
            "tenantId": tenant,
        },
        "channelId": "msteams",
        "serviceUrl": connector.service_url,
    }


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card of a sent activity, checked against the 1.5 rules and Teams' limits first."""
    check_activity(activity)
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachment["content"]
    return card


def check_activity(activity: dict[str, Any]) -> None:
    """Teams' size limit (embedded images included), then the card."""
    for card in [a["content"] for a in activity.get("attachments", [])]:
        check_card(card)
    size = len(json.dumps(activity, ensure_ascii=False).encode())
    assert size <= MAX_MESSAGE_BYTES, f"{size} bytes: over Teams' limit"


def check_card(card: dict[str, Any]) -> None:
    """Adaptive Cards 1.5 rules for the elements and actions Tally's cards use."""
    assert kit.check_card(card) == []
    assert set(card) <= CARD_KEYS, set(card) - CARD_KEYS
    assert isinstance(card["body"], list) and card["body"]
    for element in card["body"]:
        _check_element(element)
    assert len(card.get("actions", [])) <= MAX_ACTIONS
    for action in card.get("actions", []):
        _check_action(action)


def _check_element(element: dict[str, Any]) -> None:
    required, allowed = ELEMENTS[element["type"]]
    assert required <= set(element) and set(element) <= allowed | COMMON, element
    for key, values in ENUMS.items():
        if key in element:
            assert str(element[key]).lower() in values, (key, element[key])
    if element["type"] == "TextBlock":
        assert isinstance(element["text"], str) and element["text"]
    if element["type"] == "FactSet":
        for fact in element["facts"]:
            assert set(fact) == {"title", "value"} and all(isinstance(v, str) for v in fact.values()), fact
    if element["type"] == "Image":
        _check_image(element["url"])


def _check_image(url: str) -> None:
    if not url.startswith("data:"):
        assert url.startswith("https://")
        return
    png = base64.b64decode(url.split(",", 1)[1])
    width, height = struct.unpack(">II", png[16:24])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) <= 1024 * 1024 and width <= 1024 and height <= 1024


def _check_action(action: dict[str, Any]) -> None:
    required, allowed = ACTIONS[action["type"]]
    assert required <= set(action) and set(action) <= allowed, action
    if action["type"] == "Action.Submit":
        assert isinstance(action.get("data", {}), dict | str)
