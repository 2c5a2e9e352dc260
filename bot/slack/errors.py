"""Turning failures into replies: a domain error becomes its message; anything else is logged and apologised for.

Every listener is registered through `replies_on_failure`, so no exception escapes a listener after its ack:
Bolt (1.30) resets the ack it was about to send when a listener raises right after acking, and Slack then sees a
timeout instead of the reply. `handle_error` stays as the app-wide last resort for failures outside listeners.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.context.respond import Respond

from bot.slack.blocks.replies import build_error_message, build_failure_message
from bot.slack.observe import ERROR, OK, REFUSED, listener_finished
from bot.slack.redelivery import is_redelivery, redelivery_key
from metrics.errors import DomainError

logger = logging.getLogger(__name__)
Listener = Callable[..., None]
# What the guard itself needs from Bolt, whether or not the listener asks for it.
GUARD_ARGUMENTS = ("ack", "body", "context", "respond")
ALREADY_DONE = "That request reached Tally twice; it was done once, the first time."


def replies_on_failure(listener: Listener) -> Listener:
    """Wrap a listener so that a failure is answered (and acked, if it was not yet) instead of raised, and a
    redelivered copy of a request already handled is acknowledged without running it again.
    """
    declared = list(inspect.signature(listener).parameters)

    @functools.wraps(listener)
    def guarded(**kwargs: Any) -> None:
        outcome = OK
        try:
            if _redelivered(kwargs):
                return
            listener(**{name: value for name, value in kwargs.items() if name in declared})
        except Exception as error:
            outcome = REFUSED if isinstance(error, DomainError) else ERROR
            _ack_once(kwargs.get("ack"))
            report_error(error, kwargs.get("respond"), describe=getattr(listener, "__name__", "listener"))
        finally:
            listener_finished(outcome)

    # Bolt passes the arguments a listener's signature names: the listener's, and what the guard needs.
    del guarded.__wrapped__
    names = declared + [name for name in GUARD_ARGUMENTS if name not in declared]
    guarded.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in names]
    )
    return guarded


def attach(
    register: Callable[..., Any], listener: Listener, *, lazy: bool, acknowledge: Listener | None = None
) -> None:
    """Register `listener` (guarded) with Bolt's `register` (e.g. `app.command("/log")`).

    lazy: the request thread acknowledges at once and the listener runs afterwards on the listener executor, as a
        Bolt lazy listener; the ack never queues behind other requests' work, however busy the executor or slow
        the database. Otherwise the listener runs in the request thread (the playground, which wants every reply
        in place when a request returns).
    acknowledge: in lazy mode, what the request thread does instead of a bare ack (it must ack, within Slack's
        3 s): /log writes first (bot/slack/write_before_ack.py).
    """
    if lazy:
        register(ack=acknowledge or _acknowledge, lazy=[replies_on_failure(listener)])
    else:
        register(replies_on_failure(listener))


def _acknowledge(ack: Any) -> None:
    ack()


def _redelivered(kwargs: dict[str, Any]) -> bool:
    """A copy of a request already handled: acknowledge it, say so to whoever asked, and do nothing else."""
    if redelivery_key(kwargs["body"]) is None:
        return False
    _ack_once(kwargs.get("ack"))  # before the database: Slack's 3 s do not wait for it
    if not is_redelivery(kwargs["body"], kwargs["context"]["runtime"]):
        return False
    respond = kwargs.get("respond")
    if respond is not None and kwargs["body"].get("command"):
        respond(text=ALREADY_DONE, response_type="ephemeral", replace_original=False)
    return True


def _ack_once(ack: Any) -> None:
    if ack is not None and getattr(ack, "response", None) is None:
        ack()


def report_error(error: Exception, respond: Respond | None, *, describe: str) -> None:
    """Tell whoever asked what went wrong, ephemerally and without internals; log what was unexpected."""
    if isinstance(error, DomainError):
        reply = build_error_message(error)
    else:
        logger.error("%s failed", describe, exc_info=error)
        reply = build_failure_message()
    if respond is None:
        return
    try:
        respond(**reply, response_type="ephemeral", replace_original=False)
    except Exception:
        logger.warning("could not deliver the error reply of %s", describe, exc_info=True)


def handle_error(
    error: Exception, body: dict[str, Any], respond: Respond | None, response: BoltResponse | None
) -> BoltResponse | None:
    """The app-wide error handler, for failures that happen outside a guarded listener."""
    report_error(error, respond, describe=str(body.get("command") or body.get("type") or "request"))
    # When Bolt holds the HTTP response until the listener ends, answer 200: the user has been told, and a
    # 500 would only make Slack add its own opaque error on top.
    return BoltResponse(status=200, body="") if response is not None else None
