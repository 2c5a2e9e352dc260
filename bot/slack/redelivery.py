"""Slack may deliver a request again (a retry after a slow answer, a double delivery): the first copy does the
work, later copies are acknowledged and told so.

A redelivered slash command or button press keeps its `trigger_id`, and an event its `event_id`; a view
submission is left alone (its answer is the HTTP response itself, and a person may resubmit a form after fixing
it). `/log` is left to the ledger and deals, which keep the trigger_id with the rows they write and answer a copy
with the same confirmation ("Already logged 12 dials"), which is more use to a person than "done already".
"""

from __future__ import annotations

from typing import Any

from bot.slack.runtime import Runtime
from metrics import ops


def redelivery_key(body: dict[str, Any]) -> str | None:
    """The id under which a copy of this request would arrive again, or None if it has none we can trust."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    if body.get("command") == "/log":
        return None
    if body.get("command") and body.get("trigger_id"):
        return f"slack:{team}:command:{body['trigger_id']}"
    if body.get("type") == "block_actions" and body.get("trigger_id"):
        return f"slack:{team}:action:{body['trigger_id']}"
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:{team}:event:{body['event_id']}"
    return None


def is_redelivery(body: dict[str, Any], runtime: Runtime) -> bool:
    """True if a copy of this request was seen before (this one is then recorded as seen, in its own commit)."""
    key = redelivery_key(body)
    if key is None:
        return False
    with runtime.sessions.begin() as session:
        return not ops.first_delivery(session, key, runtime.clock())
