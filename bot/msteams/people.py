"""Turning the person behind a Teams turn (or someone they mention) into a Tally rep."""

from __future__ import annotations

from datetime import datetime

from bot.msteams.runtime import TeamsRuntime
from bot.msteams.turns import Mention, Turn
from metrics.errors import NotAllowed, UnknownRep, UsageError
from metrics.records import Platform, RepContext
from metrics.services import identity

PRIVATE = "I show someone else's numbers only in our 1:1 chat, not where others can read them."
NO_ACCOUNT = (
    "I can only keep numbers for people signed in to a Microsoft 365 organisation, and Teams did not say "
    "who you are. Try again from Teams itself."
)


def acting_rep(runtime: TeamsRuntime, turn: Turn, now: datetime) -> RepContext:
    """The rep writing this turn, registered on first contact; their name, zone and 1:1 reference kept current.

    Raises:
        UsageError: the activity names no tenant or no Entra ID object id (nothing is written).
    """
    if not turn.tenant_id or not turn.aad_object_id:
        raise UsageError(NO_ACCOUNT)
    return _meet(runtime, turn.tenant_id, Mention("", turn.name, turn.aad_object_id), turn, now)


def mentioned_rep(runtime: TeamsRuntime, turn: Turn, now: datetime) -> RepContext | None:
    """The first person mentioned besides Tally, registered if new (a manager may set a newcomer's target).

    Raises:
        UnknownRep: Teams did not tell Tally who the mentioned person is.
    """
    return _mentioned(runtime, turn, turn.mentions[0], now) if turn.mentions else None


def mentioned_reps(runtime: TeamsRuntime, turn: Turn, now: datetime) -> tuple[RepContext, ...]:
    """Everyone mentioned besides Tally, in order, newcomers registered by their Entra ID object id.

    Raises:
        UnknownRep: Teams did not tell Tally who one of them is (then no one is registered).
    """
    for mention in turn.mentions:
        _check(turn, mention)
    return tuple(_mentioned(runtime, turn, mention, now) for mention in turn.mentions)


def _mentioned(runtime: TeamsRuntime, turn: Turn, mention: Mention, now: datetime) -> RepContext:
    tenant_id = _check(turn, mention)
    return _meet(runtime, tenant_id, mention, None, now)


def _check(turn: Turn, mention: Mention) -> str:
    """The tenant to register `mention` in, once Teams has said who they are."""
    if not mention.aad_object_id or not turn.tenant_id:
        raise UnknownRep(f"I couldn't tell who {mention.name or 'that'} is in Teams; try mentioning them again.")
    return turn.tenant_id


def _meet(runtime: TeamsRuntime, tenant_id: str, person: Mention, own: Turn | None, now: datetime) -> RepContext:
    """Register or refresh `person`; `own` is their own turn (zone and 1:1 reference), None for a mention."""
    assert person.aad_object_id
    with runtime.sessions.begin() as session:
        return identity.meet_rep(
            session,
            platform=Platform.TEAMS,
            workspace_external_id=tenant_id,
            user_external_id=person.aad_object_id,
            display_name=person.name or "Someone",
            timezone=own.timezone if own else None,
            conversation_ref=own.reference if own else None,
            defaults=runtime.defaults,
            now=now,
        )


def named_rep_id(runtime: TeamsRuntime, turn: Turn, now: datetime) -> int | None:
    """The rep id of the person a read (scorecard, kpis, plan) names, if any: only in the 1:1 chat, since a reply
    in a channel or group chat is read by everyone there.

    Raises:
        NotAllowed: someone is named outside the 1:1 chat.
    """
    if turn.mentions and not turn.personal:
        raise NotAllowed(PRIVATE)
    other = mentioned_rep(runtime, turn, now)
    return other.rep_id if other else None
