"""A rep changed their Slack profile: keep their name and time zone in step."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.runtime import Runtime
from metrics.records import Platform
from metrics.services import identity, preferences


def handle_user_change(event: dict[str, Any], context: BoltContext, runtime: Runtime) -> None:
    """Update a known rep's name and IANA time zone (people Tally has never met are left alone)."""
    user = event.get("user") or {}
    profile = user.get("profile") or {}
    with runtime.sessions.begin() as session:
        rep = identity.find_rep(
            session,
            platform=Platform.SLACK,
            workspace_external_id=context.team_id or "",
            user_external_id=str(user.get("id", "")),
        )
        if rep is not None:
            name = profile.get("display_name") or profile.get("real_name") or user.get("real_name")
            preferences.refresh_profile(
                session, rep_id=rep.rep_id, name=name, timezone=user.get("tz"), deleted=bool(user.get("deleted"))
            )
