"""SlackNotifier: the outbox's messages as Slack messages, each tagged with its delivery id in message metadata.

Its clients have no automatic retries (bot/slack/clients.py, `notifier_client`): slack_sdk's default handler
retries a dropped connection once, which could post a message twice. Retrying is the dispatcher's job, and it
looks before it resends.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.charts import render_png
from bot.slack.blocks.notice import build_notice
from bot.slack.clients import NotInstalled, OneToken, WorkspaceClients, notifier_client
from metrics.notify import DeliveryFailed, Message, Recipient, Sent

logger = logging.getLogger(__name__)
METADATA_EVENT = "tally_delivery"
# Errors that mean the person or channel cannot be reached any more: skip, never retry.
GONE = {
    "channel_not_found",
    "user_not_found",
    "user_disabled",
    "is_archived",
    "not_in_channel",
    "cannot_dm_bot",
    "messages_tab_disabled",
    "restricted_action",
}
# Errors that mean Tally's token no longer works in this workspace: stop sending there.
WORKSPACE_GONE = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "team_not_found"}
HISTORY_PAGES = 5


__all__ = ["SlackNotifier", "notifier_client"]


class SlackNotifier:
    """Sends neutral messages to Slack users (their DM with the app) and channels."""

    def __init__(self, clients: WorkspaceClients | WebClient) -> None:
        """Send with `clients` (each workspace's token), or with one client for every workspace."""
        self.clients = OneToken(clients) if isinstance(clients, WebClient) else clients

    def send(self, recipient: Recipient, message: Message, delivery_id: int) -> Sent:
        """chat.postMessage with the delivery id in metadata; then any charts, uploaded into the same conversation.

        A user id as the channel posts into the app's DM with that person (no conversations.open needed).
        """
        client = self._client(recipient)
        reply = build_notice(message)
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": delivery_id}}
        response = _call(
            lambda: client.chat_postMessage(
                channel=recipient.address, text=reply["text"], blocks=reply["blocks"], metadata=metadata
            )
        )
        sent = Sent(conversation=str(response["channel"]), message_id=str(response["ts"]))
        for chart in message.charts:
            self._upload_chart(client, sent.conversation, chart.title, render_png(chart))
        return sent

    def find_sent(self, recipient: Recipient, delivery_id: int, since: float) -> Sent | None:
        """Look through the conversation since `since` for the message carrying `delivery_id`."""
        client = self._client(recipient)
        conversation = recipient.address
        if recipient.kind == "user":
            opened = _call(lambda: client.conversations_open(users=recipient.address))
            conversation = str(opened["channel"]["id"])
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = _call(lambda after=cursor: _history(client, conversation, since, after))
            for posted in page.get("messages") or []:
                if _delivery_id(posted) == delivery_id:
                    return Sent(conversation, str(posted["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    def _client(self, recipient: Recipient) -> WebClient:
        try:
            return self.clients.for_team(recipient.workspace)
        except NotInstalled as error:
            raise DeliveryFailed("not_installed", gone=True, workspace_gone=True) from error

    @staticmethod
    def _upload_chart(client: WebClient, conversation: str, title: str, png: bytes) -> None:
        # The message is already posted and recorded by its id; a chart that fails is logged, not retried, so a
        # retry can never post the message twice for the sake of its picture.
        try:
            client.files_upload_v2(
                channel=conversation, content=png, filename="tally-chart.png", title=title, alt_txt=title
            )
        except (SlackApiError, SlackRequestError, OSError) as error:
            logger.warning("chart upload to %s failed: %s", conversation, error)


def _history(client: WebClient, conversation: str, since: float, cursor: str | None) -> Any:
    return client.conversations_history(
        channel=conversation, oldest=f"{since:.6f}", include_all_metadata=True, limit=200, cursor=cursor
    )


def _delivery_id(posted: dict[str, Any]) -> int | None:
    metadata = posted.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    value = (metadata.get("event_payload") or {}).get("delivery_id")
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def _call(request: Any) -> Any:
    """Run one Web API request, turning every way it can fail into a DeliveryFailed the dispatcher understands."""
    try:
        return request()
    except SlackApiError as error:
        raise _api_failure(error) from error
    except (TimeoutError, http.client.RemoteDisconnected, ConnectionResetError) as error:
        raise DeliveryFailed(f"no answer: {type(error).__name__}", unsure=True) from error
    except urllib.error.URLError as error:
        sent = isinstance(error.reason, TimeoutError)
        raise DeliveryFailed(f"network: {error.reason}", unsure=sent) from error


def _api_failure(error: SlackApiError) -> DeliveryFailed:
    status = error.response.status_code
    code = str(error.response.get("error") or f"http_{status}")
    if status == 429:
        retry_after = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
        return DeliveryFailed("ratelimited", retry_after=float(retry_after or 1))
    if code in WORKSPACE_GONE:
        return DeliveryFailed(code, gone=True, workspace_gone=True)
    if code in GONE:
        return DeliveryFailed(code, gone=True)
    return DeliveryFailed(f"{code} (HTTP {status})")
