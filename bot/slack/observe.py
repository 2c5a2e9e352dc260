"""Watching requests: a Bolt middleware names each request (for logs and metrics), and every listener reports
when it finished and how.

Bolt calls global middleware before any listener and does not wrap the listener in it (`next()` returns at
once), so the duration is measured from the middleware to the listener's end, reported by `listener_finished`
from the listener's own thread (see `bot.ops.context.ContextExecutor` for how the request gets there).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request import payload_utils

from bot.ops import prom
from bot.ops.context import RequestInfo, begin_request, current_request

logger = logging.getLogger(__name__)
OK, REFUSED, ERROR = "ok", "refused", "error"
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_NUMBERED = re.compile(r":\d+$")  # quick_log:2 is quick_log: one label per listener, not per button


def observe_requests(
    body: dict[str, Any], context: BoltContext, request: BoltRequest, next: Callable[[], None]
) -> None:
    """Global middleware: make this request the current one (id, kind, name, workspace) and start its clock."""
    kind, name, typed = describe(body)
    begin_request(
        RequestInfo(
            request_id=_request_id(request.headers),
            kind=kind,
            name=name[:64],
            workspace=context.team_id or context.enterprise_id,
            started=time.perf_counter(),
            typed=typed,
        )
    )
    next()


def listener_finished(outcome: str) -> None:
    """Count the current request with `outcome` (ok, refused, error), observe its duration, and log one line."""
    info = current_request()
    if info is None:  # a listener called outside a request (a test calling it directly)
        return
    seconds = time.perf_counter() - info.started
    prom.observe_request(info.kind, info.name, outcome, seconds)
    logger.info("%s %s: %s in %.3f s", info.kind, info.name, outcome, seconds)


def describe(body: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """(kind, name, what the user typed) of a request body; the name is what listeners are registered by."""
    payload = dict(body)
    if payload_utils.is_slash_command(payload):
        return "command", str(payload.get("command", "")), _texts(payload.get("text"))
    if payload_utils.is_event(payload):
        event = payload_utils.to_event(payload) or {}
        return "event", str(event.get("type", "")), _texts(event.get("text"))
    if payload_utils.is_action(payload):
        action = payload_utils.to_action(payload) or {}
        return "action", _NUMBERED.sub("", str(action.get("action_id") or action.get("callback_id") or "")), ()
    if payload_utils.is_view(payload):
        view = payload_utils.to_view(payload) or {}
        return "view", str(view.get("callback_id", "")), _typed_in_form(view)
    if payload_utils.is_shortcut(payload):
        return "shortcut", str(payload.get("callback_id", "")), ()
    if payload_utils.is_options(payload):
        return (
            "options",
            str(payload.get("action_id") or payload.get("callback_id") or ""),
            _texts(payload.get("value")),
        )
    return "other", str(payload.get("type", "")), ()


def _texts(*values: object) -> tuple[str, ...]:
    return tuple(value for value in values if isinstance(value, str) and value)


def _typed_in_form(view: Mapping[str, Any]) -> tuple[str, ...]:
    # A submitted form's state: block id → action id → {"type": ..., "value": what was typed in a text input}.
    blocks = (view.get("state") or {}).get("values") or {}
    return _texts(*(field.get("value") for block in blocks.values() for field in block.values()))


def _request_id(headers: Mapping[str, Sequence[str]]) -> str:
    # A load balancer's id ties Tally's lines to its own; anything odd in it is replaced, not logged.
    given = (headers.get("x-request-id") or [""])[0]
    return given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex[:16]
