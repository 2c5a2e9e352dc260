"""The one error handler: a domain error becomes its message; anything else is logged and apologised for."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.context.respond import Respond

from bot.slack.blocks.replies import build_error_message, build_failure_message
from metrics.errors import DomainError


def handle_error(
    error: Exception,
    body: dict[str, Any],
    respond: Respond | None,
    response: BoltResponse | None,
    logger: logging.Logger,
) -> BoltResponse | None:
    """Reply ephemerally to whoever asked, never with a stack trace; log what was unexpected."""
    if isinstance(error, DomainError):
        reply = build_error_message(error)
    else:
        logger.error("request failed (%s)", body.get("command") or body.get("type"), exc_info=error)
        reply = build_failure_message()
    if respond is not None:
        try:
            respond(**reply, response_type="ephemeral", replace_original=False)
        except Exception:
            logger.warning("could not deliver the error reply", exc_info=True)
    # When Bolt holds the HTTP response until the listener ends, answer 200: the user has been told, and a
    # 500 would only make Slack add its own opaque error on top.
    return BoltResponse(status=200, body="") if response is not None else None
