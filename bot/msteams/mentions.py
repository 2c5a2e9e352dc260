"""Who a mention names: Teams puts only the person's Teams user id in a mention, and Tally knows people by
their Entra ID object id, so the Bot Connector is asked for the member (GET …/members/{id})."""

from __future__ import annotations

import dataclasses
import logging

from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from bot.msteams.turns import Mention, Turn

logger = logging.getLogger(__name__)


async def resolve_mentions(context: TurnContext, turn: Turn) -> Turn:
    """`turn` with each mention's object id filled in where Teams can tell it (unresolved ones stay empty)."""
    if all(mention.aad_object_id for mention in turn.mentions):
        return turn
    client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
    conversation = context.activity.conversation.id if context.activity.conversation else None
    if client is None or not conversation:
        return turn
    resolved = [await _resolve(client, conversation, mention) for mention in turn.mentions]
    return dataclasses.replace(turn, mentions=tuple(resolved))


async def _resolve(client: ConnectorClientBase, conversation: str, mention: Mention) -> Mention:
    if mention.aad_object_id:
        return mention
    try:
        member = await client.conversations.get_conversation_member(conversation, mention.user_id)
    except Exception as error:  # an unknown member, a fault: the command says it can't tell who that is
        logger.warning("could not look up a mentioned member (%s)", type(error).__name__)
        return mention
    return dataclasses.replace(mention, aad_object_id=member.aad_object_id, name=mention.name or member.name or "")
