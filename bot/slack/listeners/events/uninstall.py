"""Tally removed from a workspace (app_uninstalled), or its bot token revoked (tokens_revoked): send nothing more."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.runtime import Runtime
from metrics.records import Platform
from metrics.services import identity


def handle_uninstalled(event: dict[str, Any], context: BoltContext, runtime: Runtime) -> None:
    """Mark the workspace uninstalled (its pending deliveries are skipped with that reason); forget its tokens."""
    if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return  # only user tokens went (Tally asks for none); the bot still works
    if runtime.installations is not None:
        runtime.installations.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
    with runtime.sessions.begin() as session:
        identity.mark_uninstalled(
            session, platform=Platform.SLACK, workspace_external_id=context.team_id or "", now=runtime.clock()
        )
