"""The Teams front end behind real HTTP: Tally's aiohttp endpoint (anonymous mode) on a thread of its own, a fake
Bot Connector on 127.0.0.1, and a harness that posts Bot Framework activities as Teams sends them."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.msteams.auth import teams_auth
from bot.msteams.cards.kit import check_card
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.server import TeamsServer
from bot.playground.fake_bot_connector import FakeBotConnector
from metrics.records import WorkspaceDefaults
from tests.factories import FakeClock

TENANT = "tenant-0001"
BOT = {"id": "28:tally-bot", "name": "Tally"}
# Test people: Teams user id, Entra ID object id, name, the zone their client reports.
PEOPLE = {
    "ana": ("29:ana", "00000000-0000-0000-0000-00000000a0a0", "Ana Lima", "America/New_York"),
    "ben": ("29:ben", "00000000-0000-0000-0000-00000000b0b0", "Ben Okafor", "Europe/London"),
    "cho": ("29:cho", "00000000-0000-0000-0000-00000000c0c0", "Cho Park", "Asia/Tokyo"),
}
CHANNEL = "19:sales-floor@thread.tacv2"


@dataclass
class TeamsHarness:
    """Posts activities to the running endpoint and reads what the fake Bot Connector received."""

    url: str
    connector: FakeBotConnector
    sessions: sessionmaker[Session]
    clock: FakeClock
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def activity(self, who: str, text: str | None = None, *, channel: bool = False, **extra: Any) -> dict[str, Any]:
        """A message activity from `who`, in their 1:1 chat or (channel=True) mentioning Tally in a channel."""
        user_id, aad, name, zone = PEOPLE[who]
        conversation = (
            {"id": CHANNEL, "conversationType": "channel", "tenantId": TENANT}
            if channel
            else {"id": f"a:1on1-{who}", "conversationType": "personal", "tenantId": TENANT}
        )
        body: dict[str, Any] = {
            "type": "message",
            "id": f"activity-{next(self.ids)}",
            "channelId": "msteams",
            "serviceUrl": self.connector.service_url,
            "from": {"id": user_id, "aadObjectId": aad, "name": name},
            "recipient": BOT,
            "conversation": conversation,
            "channelData": {"tenant": {"id": TENANT}},
            "localTimezone": zone,
            "locale": "en-US",
        }
        if text is not None:
            body["text"] = f"<at>Tally</at> {text}" if channel else text
            if channel:
                body["entities"] = [{"type": "mention", "mentioned": BOT, "text": "<at>Tally</at>"}]
        return body | extra

    def post(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """POST one activity; (status, parsed JSON body or None). Replies have been sent when it returns."""
        request = urllib.request.Request(
            self.url, json.dumps(activity).encode(), {"Content-Type": "application/json", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if raw else None

    def say(self, who: str, text: str, **options: Any) -> dict[str, Any]:
        """Send a message and return the one reply it got (asserting there was exactly one)."""
        before = len(self.connector.calls())
        status, _ = self.post(self.activity(who, text, **options))
        assert status in (200, 202), status
        new = self.connector.calls()[before:]
        assert len(new) == 1 and new[0].status < 300, new
        return checked(new[0].body)

    def press(
        self, who: str, card_activity: dict[str, Any], title: str, *, channel: bool = False
    ) -> tuple[str, dict[str, Any]]:
        """Press a card's Submit button as Teams does: a message with the button's data as `value`. Returns the
        method the answer came by (POST for a new message, PUT for an update of the card) and the answer."""
        data = next(action["data"] for action in card_of(card_activity)["actions"] if action["title"] == title)
        before = len(self.connector.calls())
        status, _ = self.post(self.activity(who, channel=channel, value=data, replyToId=card_activity["id"]))
        assert status in (200, 202), status
        (call,) = self.connector.calls()[before:]
        return call.method, checked(call.body)

    def invoke(self, who: str, name: str, value: dict[str, Any]) -> tuple[int, Any]:
        """Send an invoke activity (a dialog's fetch or submit); its answer is in the HTTP response."""
        activity = self.activity(who) | {"type": "invoke", "name": name, "value": value}
        return self.post(activity)


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card a message carries."""
    (attachment,) = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content: dict[str, Any] = attachment["content"]
    return content


def card_text(activity: dict[str, Any]) -> str:
    """Every string shown on a message's card (or its text), joined: what a person reads."""
    if not activity.get("attachments"):
        return str(activity.get("text", ""))
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "title", "value", "label") and isinstance(value, str):
                    found.append(value)
                elif key != "data":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card_of(activity)["body"])
    return "\n".join(found)


def checked(activity: dict[str, Any]) -> dict[str, Any]:
    """The activity, after checking each card it carries against Adaptive Cards 1.5 and Teams' limits."""
    for attachment in activity.get("attachments") or []:
        assert check_card(attachment["content"]) == []
    assert "Exception" not in json.dumps(activity)
    return activity


@pytest.fixture
def connector() -> Iterator[FakeBotConnector]:
    with FakeBotConnector() as fake:
        yield fake


@pytest.fixture
def teams(sessions: sessionmaker[Session], clock: FakeClock, connector: FakeBotConnector) -> Iterator[TeamsHarness]:
    """Tally's Teams endpoint in anonymous mode, over the test database, answering through the fake connector."""
    runtime = TeamsRuntime(sessions=sessions, defaults=WorkspaceDefaults(timezone="UTC"), clock=clock)
    with TeamsServer(runtime, teams_auth(Settings(), anonymous=True)) as server:
        yield TeamsHarness(server.url, connector, sessions, clock)
