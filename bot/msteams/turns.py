"""What Tally reads from a Teams activity: who is writing, from which tenant, where, and what they asked.

A turn reaches Tally from a 1:1 chat (conversationType "personal") or from a channel or group chat where
someone mentioned Tally (Teams only delivers those); the mention of Tally is taken out of the text, so
`@Tally log 12 dials` reads as `log 12 dials`. Other people's mentions stay listed for commands that name a rep.
"""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from microsoft_agents.activity import Activity

from metrics.periods import is_valid_zone

_TAG = re.compile(r"<[^>]{0,200}>")
_AT = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Mention:
    """Someone other than Tally mentioned in the message: their Teams user id and the name shown."""

    user_id: str
    name: str
    aad_object_id: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """One incoming activity, reduced to what the commands need.

    Attributes:
        tenant_id: the Entra ID tenant (Tally's workspace), or None if Teams did not say.
        aad_object_id: the person's Entra ID object id (their ChatIdentity), or None.
        name: the person's display name.
        timezone: the client's IANA zone (`localTimezone`) when it is one Tally knows.
        personal: True in a 1:1 chat with Tally.
        text: the message's words, Tally's mention and any markup taken out.
        value: what a card's Submit button sent, if this turn is a button press.
        key: a stable key for this activity (redelivered copies share it), for the ledger's idempotency.
        reference: the 1:1 conversation's reference to store (None outside a 1:1 chat).
        channel: the reference of the channel conversation the message came from (None outside a channel).
        mentions: the other people mentioned.
    """

    tenant_id: str | None
    aad_object_id: str | None
    name: str
    timezone: str | None
    personal: bool
    text: str
    value: dict[str, Any] | None
    key: str
    reference: dict[str, Any] | None
    mentions: tuple[Mention, ...] = field(default=())
    channel: dict[str, Any] | None = None


def read_turn(activity: Activity) -> Turn:
    """Read a message (or a card's Submit) activity."""
    sender = activity.from_property
    conversation = activity.conversation
    personal = conversation is not None and conversation.conversation_type == "personal"
    zone = activity.local_timezone if activity.local_timezone and is_valid_zone(activity.local_timezone) else None
    return Turn(
        tenant_id=_tenant(activity),
        aad_object_id=sender.aad_object_id if sender else None,
        name=(sender.name if sender else None) or "Someone",
        timezone=zone,
        personal=personal,
        text=_words(activity),
        value=activity.value if isinstance(activity.value, dict) else None,
        key=_key(activity),
        reference=stored_reference(activity) if personal else None,
        mentions=_mentions(activity),
        channel=stored_reference(activity) if _in_channel(activity) else None,
    )


def _in_channel(activity: Activity) -> bool:
    return activity.conversation is not None and activity.conversation.conversation_type == "channel"


def stored_reference(activity: Activity) -> dict[str, Any]:
    """The conversation reference as Tally keeps it: JSON, without the id of the message it came with (that
    changes every turn; a proactive message does not need it)."""
    reference = activity.get_conversation_reference().model_dump(mode="json", by_alias=True, exclude_none=True)
    reference.pop("activityId", None)
    return reference


def _tenant(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    found = (tenant.get("id") if isinstance(tenant, dict) else None) or (
        activity.conversation.tenant_id if activity.conversation else None
    )
    return str(found) if found else None


def _words(activity: Activity) -> str:
    if not activity.text:
        return ""
    text = activity.remove_recipient_mention() or ""
    # Other mentions' <at> tags go (the mentions themselves are read from the entities), then any remaining markup.
    return " ".join(html.unescape(_TAG.sub(" ", _AT.sub(" ", text))).split())


def _mentions(activity: Activity) -> tuple[Mention, ...]:
    recipient = activity.recipient.id if activity.recipient else None
    found = []
    for mention in activity.get_mentions() if activity.text else []:
        who = mention.mentioned
        if who is not None and who.id and who.id != recipient:
            found.append(Mention(who.id, who.name or "", who.aad_object_id))
    return tuple(found)


def _key(activity: Activity) -> str:
    conversation = activity.conversation.id if activity.conversation else ""
    # Without an id (Teams always sends one) nothing can recognise a redelivery: a fresh key, so two such logs
    # are two logs rather than the second one "Already logged".
    identity = activity.id or f"no-id:{uuid.uuid4()}"
    digest = hashlib.sha256(f"{conversation}\n{identity}".encode()).hexdigest()[:40]
    return f"msteams:{digest}"
