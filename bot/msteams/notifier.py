"""TeamsNotifier: the outbox's messages as Adaptive Cards, sent proactively through the Bot Connector.

Teams lets a bot speak first only in a conversation it already knows: each person's 1:1 chat (its conversation
reference is stored the first time they message Tally) and each team's channel (stored when someone tells Tally
that channel is the team's). The dispatcher skips a recipient with no reference before it gets here.

The dispatcher is synchronous and runs several sending threads; the Agents SDK is asyncio. The notifier owns one
event loop in a thread of its own and hands each send to it (`run_coroutine_threadsafe`), waiting at most
`timeout` seconds. Its adapter's `on_turn_error` re-raises: the SDK's default would post "Exception caught : …"
into the very chat the message failed to reach, and would swallow the error the dispatcher needs to retry.

`find_sent` cannot look: the Bot Connector offers a bot no way to read a conversation's history. After a send
whose outcome is unknown (a timeout or a 502/504 after the request went out, a crash between sending and
recording), the retry sends again, so such a message can arrive twice; anything else would drop every retry of a
message that certainly did not land. Each activity carries its delivery id in channelData (`tally.deliveryId`),
so a duplicate can be traced.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import aiohttp
from microsoft_agents.activity import Activity, ConversationReference
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import CardFactory, TurnContext
from pydantic import ValidationError

from bot.charts import render_png
from bot.msteams.auth import TeamsAuth
from bot.msteams.notice_card import ChartRenderer, build_notice_card, teams_markdown
from metrics.notify import DeliveryFailed, Message, Recipient, Sent

logger = logging.getLogger(__name__)
GONE_STATUSES = {403, 404}  # the person removed Tally, or the conversation (a deleted channel) is gone
UNSURE_STATUSES = {502, 504}  # a gateway gave up: the service behind it may still have posted the message
DEFAULT_RETRY_AFTER = 1.0


class TeamsNotifier:
    """Sends neutral messages to Teams people (their 1:1 chat with Tally) and team channels."""

    def __init__(self, auth: TeamsAuth, *, timeout: float = 30.0, render: ChartRenderer | None = render_png) -> None:
        """Send as `auth`'s bot; give up waiting for one send after `timeout` seconds; draw charts with `render`."""
        self._auth = auth
        self._timeout = timeout
        self._render = render
        self._adapter = CloudAdapter(connection_manager=auth.connections, host_validator=auth.host_validator())
        self._adapter.on_turn_error = _reraise
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="teams-notifier", daemon=True)
        self._thread.start()

    def send(self, recipient: Recipient, message: Message, delivery_id: int) -> Sent:
        """Post the message as a card into the recipient's conversation, tagged with the delivery id.

        Raises:
            DeliveryFailed: 429 with Teams' Retry-After; 403/404 as gone; 502/504 and timeouts as unsure;
                anything else as a failure to retry.
        """
        reference = _reference(recipient)
        if not self._auth.allows_service_url(reference.service_url or ""):
            raise DeliveryFailed("the stored Teams reference names a service URL that is not Microsoft's", gone=True)
        activity = self.activity(message, delivery_id)
        future = asyncio.run_coroutine_threadsafe(self._send(reference, activity), self._loop)
        try:
            activity_id = future.result(self._timeout)
        except TimeoutError as error:
            future.cancel()
            raise DeliveryFailed(f"no answer from Teams within {self._timeout:g} s", unsure=True) from error
        return Sent(conversation=str(reference.conversation.id), message_id=activity_id)

    def find_sent(self, recipient: Recipient, delivery_id: int, since: float) -> Sent | None:
        """Always None: a Teams bot cannot read a conversation's history, so an unsure send is sent again (see
        the module's docstring and docs/RELIABILITY.md)."""
        return None

    def activity(self, message: Message, delivery_id: int) -> Activity:
        """The message activity: the card, the text as its summary, the delivery id in channelData."""
        card = build_notice_card(message, self._render)
        return Activity(
            type="message",
            summary=teams_markdown(message.text),
            attachments=[CardFactory.adaptive_card(card)],
            channel_data={"tally": {"deliveryId": delivery_id}},
        )

    def close(self) -> None:
        """Cancel any send still in flight (one that timed out), then stop the event loop and its thread."""
        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(_cancel_the_rest(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()

    async def _send(self, reference: ConversationReference, activity: Activity) -> str:
        ids: list[str] = []

        async def post(context: TurnContext) -> None:
            response = await context.send_activity(activity)
            ids.append(str(getattr(response, "id", "") or ""))

        # Without an id the message starts its own thread (POST …/activities), where the SDK would otherwise make
        # it a reply to the continuation event's made-up id: in a channel, a reply to a post that does not exist.
        continuation = reference.get_continuation_activity()
        continuation.id = None
        try:
            await self._adapter.continue_conversation_with_claims(self._auth.proactive_identity(), continuation, post)
        except aiohttp.ClientResponseError as error:
            raise _http_failure(error) from error
        except aiohttp.ClientConnectorError as error:  # no connection was made: nothing was sent
            raise DeliveryFailed(f"cannot reach Teams: {error}") from error
        except (aiohttp.ClientError, TimeoutError) as error:  # the request may have gone out
            raise DeliveryFailed(f"no answer from Teams: {type(error).__name__}", unsure=True) from error
        return ids[0] if ids else ""


async def _cancel_the_rest() -> None:
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


async def _reraise(context: TurnContext, error: Exception) -> None:
    """The adapter's turn-error handler: nothing in the chat; the error goes back to the dispatcher."""
    raise error


def _reference(recipient: Recipient) -> ConversationReference:
    if not recipient.reference:
        raise DeliveryFailed("not reachable in Teams yet: no conversation reference", gone=True)
    try:
        reference = ConversationReference.model_validate(recipient.reference)
    except ValidationError as error:
        raise DeliveryFailed("the stored Teams conversation reference is unreadable", gone=True) from error
    if not reference.service_url or reference.conversation is None or not reference.conversation.id:
        raise DeliveryFailed("the stored Teams conversation reference has no conversation", gone=True)
    return reference


def _http_failure(error: aiohttp.ClientResponseError) -> DeliveryFailed:
    status = error.status
    if status == 429:
        return DeliveryFailed("ratelimited", retry_after=_retry_after(error.headers))
    if status in GONE_STATUSES:
        return DeliveryFailed(f"gone: Teams answered HTTP {status} (Tally removed or the chat deleted)", gone=True)
    if status == 413:  # the card is over Teams' size limit: it will not fit on a retry either
        return DeliveryFailed("too big for Teams (HTTP 413)", gone=True)
    if status == 401:
        return DeliveryFailed("Teams refused Tally's credentials (HTTP 401): check MICROSOFT_APP_ID and PASSWORD")
    return DeliveryFailed(f"Teams answered HTTP {status}", unsure=status in UNSURE_STATUSES)


def _retry_after(headers: Any) -> float:
    value = (headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:  # an HTTP date: rare, and a second is a safe first wait (the gate adds up repeats)
        return DEFAULT_RETRY_AFTER
