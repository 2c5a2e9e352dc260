"""Turning the Slack user behind a request into a Tally rep, creating them on first sight."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.slack.runtime import Runtime
from metrics.errors import UnknownRep
from metrics.records import Platform, RepContext
from metrics.services import identity

logger = logging.getLogger(__name__)


def acting_rep(
    runtime: Runtime, client: WebClient, context: BoltContext, now: datetime, user_id: str | None = None
) -> RepContext:
    """Return the rep making this request (or `user_id`, someone they mention); a first-time user is looked up
    with users.info and registered."""
    team_id = context.team_id or context.enterprise_id or ""
    user_id = user_id or context.user_id or ""
    with runtime.sessions.begin() as session:
        known = identity.find_rep(
            session, platform=Platform.SLACK, workspace_external_id=team_id, user_external_id=user_id
        )
    if known is not None:
        return known
    # The profile is fetched outside any transaction: a slow Slack must not hold a database lock.
    name, timezone = _profile(client, user_id)
    with runtime.sessions.begin() as session:
        return identity.register_rep(
            session,
            platform=Platform.SLACK,
            workspace_external_id=team_id,
            user_external_id=user_id,
            display_name=name,
            timezone=timezone,
            defaults=runtime.defaults,
            now=now,
        )


def _profile(client: WebClient, user_id: str) -> tuple[str, str | None]:
    """The user's display name and IANA time zone (`tz`, never `tz_offset`), or fallbacks if Slack says no."""
    try:
        user: dict[str, Any] = client.users_info(user=user_id)["user"]
    except (SlackApiError, KeyError, TypeError) as error:
        logger.warning("users.info failed for %s (%s); registering with defaults", user_id, error)
        return user_id, None
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    return str(name or user_id), user.get("tz")


def mentioned_rep(session: Session, context: BoltContext, mentions: Sequence[str]) -> int | None:
    """The rep id of the first person mentioned, if any.

    Raises:
        UnknownRep: they have never used Tally in this workspace.
    """
    if not mentions:
        return None
    other = identity.find_rep(
        session, platform=Platform.SLACK, workspace_external_id=context.team_id or "", user_external_id=mentions[0]
    )
    if other is None:
        raise UnknownRep("I don't know that person yet: they haven't used Tally.")
    return other.rep_id


def is_workspace_admin(client: WebClient, user_id: str) -> bool:
    """True if Slack says the user administers or owns the workspace (users.info is_admin / is_owner)."""
    try:
        user: dict[str, Any] = client.users_info(user=user_id)["user"]
    except (SlackApiError, KeyError, TypeError):
        return False
    return bool(user.get("is_admin") or user.get("is_owner"))
