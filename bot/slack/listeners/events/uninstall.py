"""Tally removed from a workspace (app_uninstalled), or its bot token revoked (tokens_revoked): send nothing more."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.runtime import Runtime
from metrics.records import Platform
from metrics.services import identity


def handle_uninstalled(event: dict[str, Any], context: BoltContext, runtime: Runtime) -> None:
    """Mark the workspace uninstalled; its pending deliveries are skipped with that reason."""
    if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return  # only user tokens went; the bot still works
    with runtime.sessions.begin() as session:
        identity.mark_uninstalled(
            session, platform=Platform.SLACK, workspace_external_id=context.team_id or "", now=runtime.clock()
        )
