"""Bot Framework activities as Teams sends them, built from what a playground user types or presses.

Only JSON: nothing here knows how Tally's Teams endpoint is built, so the playground (and tests) speak to it the
way Teams does — a message in a 1:1 chat or a channel mention, a card button press, a dialog (task module) fetch or
submit — with the ids and fields the front end reads: the AAD object id, the tenant, `localTimezone`.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

BOT_ID = "28:tally-playground"
BOT_NAME = "Tally"
TENANT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "tally-playground/tenant"))
TEAM_ID = "19:playground-team@thread.tacv2"
_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class TeamsUser:
    """A pretend Teams user: `name` (as typed), its AAD object id (a stable GUID) and time zone."""

    name: str
    timezone: str

    @property
    def aad_object_id(self) -> str:
        """A GUID derived from the name, the same in every run (Tally keys reps on it)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tally-playground/user/{self.name}"))

    @property
    def teams_id(self) -> str:
        """The user's id within the bot's conversations (Teams' "29:" ids)."""
        return f"29:{self.name}"

    @property
    def personal_conversation(self) -> str:
        """The id of this user's 1:1 chat with the bot."""
        return f"a:playground-{self.name}"


@dataclass(frozen=True, slots=True)
class Where:
    """Where an activity happens: the user's 1:1 chat (channel None) or a channel of the playground's team."""

    service_url: str
    channel: str | None = None

    def conversation(self, user: TeamsUser) -> dict[str, Any]:
        """The activity's `conversation` object."""
        if self.channel is None:
            return {"id": user.personal_conversation, "conversationType": "personal", "tenantId": TENANT_ID}
        return {
            "id": channel_conversation(self.channel),
            "conversationType": "channel",
            "isGroup": True,
            "name": self.channel,
            "tenantId": TENANT_ID,
        }

    def channel_data(self) -> dict[str, Any]:
        """Teams' `channelData`: the tenant, and the team and channel for a channel message."""
        data: dict[str, Any] = {"tenant": {"id": TENANT_ID}}
        if self.channel is not None:
            data["team"] = {"id": TEAM_ID, "name": "Playground"}
            data["channel"] = {"id": channel_conversation(self.channel), "name": self.channel}
        return data


def channel_conversation(channel: str) -> str:
    """The conversation id of a channel in the playground's team."""
    return f"19:{channel}@thread.tacv2"


def message(
    user: TeamsUser, where: Where, text: str, *, value: Any = None, reply_to: str | None = None
) -> dict[str, Any]:
    """A message from `user`; in a channel the bot is @mentioned first, as Teams requires for it to hear it."""
    activity = _base("message", user, where)
    if where.channel is not None and text:
        mention = f"<at>{BOT_NAME}</at>"
        text = f"{mention} {text}"
        activity["entities"].append({"type": "mention", "mentioned": {"id": BOT_ID, "name": BOT_NAME}, "text": mention})
    activity["text"] = text
    activity["textFormat"] = "plain"
    if value is not None:
        activity["value"] = value
    if reply_to is not None:
        activity["replyToId"] = reply_to
    return activity


def invoke(user: TeamsUser, where: Where, name: str, value: Any, *, reply_to: str | None = None) -> dict[str, Any]:
    """An invoke activity (a dialog fetch or submit, an Action.Execute); the bot answers in the HTTP response."""
    activity = _base("invoke", user, where)
    activity["name"] = name
    activity["value"] = value
    if reply_to is not None:
        activity["replyToId"] = reply_to
    return activity


def press(
    user: TeamsUser, where: Where, action: dict[str, Any], inputs: dict[str, Any], *, in_dialog: bool, card_id: str
) -> dict[str, Any]:
    """What Teams sends when `user` presses `action` on a card whose inputs hold `inputs`.

    Action.Execute is an `adaptiveCard/action` invoke; Action.Submit is a message carrying the data (or, with
    `msteams` data, a dialog fetch, an imBack or a messageBack), and inside a dialog it is a `task/submit` invoke.
    """
    if action.get("type") == "Action.Execute":
        value = {"action": {"type": "Action.Execute", "verb": action.get("verb"), "data": _data(action, inputs)}}
        return invoke(user, where, "adaptiveCard/action", {**value, "trigger": "manual"}, reply_to=card_id)
    data = _data(action, inputs)
    teams = data.get("msteams") if isinstance(data, dict) else None
    kind = teams.get("type") if isinstance(teams, dict) else None
    context = {"theme": "default"}
    if kind == "task/fetch":
        return invoke(user, where, "task/fetch", {"type": "task/fetch", "data": data, "context": context})
    if in_dialog:
        return invoke(user, where, "task/submit", {"type": "task/submit", "data": data, "context": context})
    if kind == "imBack" and isinstance(teams, dict):
        return message(user, where, str(teams.get("value", "")), reply_to=card_id)
    if kind == "messageBack" and isinstance(teams, dict):
        return message(user, where, str(teams.get("text", "")), value=teams.get("value", data), reply_to=card_id)
    return message(user, where, "", value=data, reply_to=card_id)


def _data(action: dict[str, Any], inputs: dict[str, Any]) -> Any:
    """The action's data with the card's input values merged in, as Teams does (non-object data stays as is)."""
    data = action.get("data")
    if data is None:
        return dict(inputs)
    if isinstance(data, dict):
        return {**data, **inputs}
    return data


def _base(kind: str, user: TeamsUser, where: Where) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "type": kind,
        "id": f"playground-{next(_ids)}",
        "timestamp": now.isoformat(),
        "localTimezone": user.timezone,
        "channelId": "msteams",
        "serviceUrl": where.service_url,
        "from": {"id": user.teams_id, "name": user.name.capitalize(), "aadObjectId": user.aad_object_id},
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": where.conversation(user),
        "channelData": where.channel_data(),
        "locale": "en-US",
        "entities": [{"type": "clientInfo", "locale": "en-US", "platform": "Web", "timezone": user.timezone}],
    }
