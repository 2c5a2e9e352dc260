"""A team's Teams channel: what the inbound side calls when someone tells Tally, in a channel, that this is the
team's channel (`team channel NAME`, `standings channel here`), and on every later message from a channel.

Teams lets a bot post to a channel unprompted only with that channel's conversation reference, and only a
message from the channel gives Tally one. The reference Tally keeps points at the channel itself, not at the
thread the command was typed in, so standings posts start their own thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from metrics.errors import UsageError
from metrics.models import Team
from metrics.records import RepContext
from metrics.services import teams

THREAD_SUFFIX = ";messageid="  # Teams' conversation id for a thread: the channel's id plus this and the post's id


def channel_reference(reference: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The channel's id and a reference to the channel itself, from the reference of a message in it.

    Raises:
        UsageError: the message did not come from a channel (a 1:1 or group chat).
    """
    conversation = dict(reference.get("conversation") or {})
    if conversation.get("conversationType") != "channel":
        raise UsageError("Say that in the team's channel (mention Tally there), not in a chat.")
    channel_id = str(conversation.get("id", "")).split(THREAD_SUFFIX, 1)[0]
    conversation["id"] = channel_id
    cleaned = {key: value for key, value in reference.items() if key not in ("activityId", "user")}
    cleaned["conversation"] = conversation
    return channel_id, cleaned


def use_this_channel(
    session: Session, *, asker: RepContext, team_name: str | None, reference: dict[str, Any], now: datetime
) -> Team:
    """Make the channel this message came from the team's channel (standings posts, celebrations, digests).

    Args:
        session: an open transaction.
        asker: who said it (an admin, or the team's manager).
        team_name: the team named in the command, if any.
        reference: the turn's conversation reference, as stored
            (`reference.model_dump(mode="json", by_alias=True, exclude_none=True)`).
        now: the instant.

    Raises:
        UsageError: not said in a channel, or no such team. NotAllowed: the asker does not manage the team.
    """
    channel_id, channel_ref = channel_reference(reference)
    return teams.set_channel(
        session, asker=asker, team_name=team_name, channel_id=channel_id, reference=channel_ref, now=now
    )


def heard_from_channel(session: Session, *, workspace_id: int, reference: dict[str, Any]) -> None:
    """Refresh the stored reference of any team posting to the channel this message came from (no-op for chats)."""
    if (reference.get("conversation") or {}).get("conversationType") != "channel":
        return
    channel_id, channel_ref = channel_reference(reference)
    teams.refresh_channel_reference(session, workspace_id=workspace_id, channel_id=channel_id, reference=channel_ref)
