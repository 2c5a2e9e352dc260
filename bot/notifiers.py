"""One Notifier for every chat platform: each delivery goes out through its workspace's platform's notifier.

Tally keeps one outbox and one dispatcher whatever the platforms (a Slack workspace and a Teams tenant are two
workspace rows); the recipient says which platform it is on.
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.notify import DeliveryFailed, Message, Notifier, Recipient, Sent
from metrics.records import Platform

SETUP_HINTS = {
    Platform.SLACK.value: "set SLACK_BOT_TOKEN, or the OAuth settings",
    Platform.TEAMS.value: "set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID",
}


class RoutingNotifier:
    """Sends through the notifier of the recipient's platform."""

    def __init__(self, by_platform: Mapping[str, Notifier]) -> None:
        """`by_platform`: platform name ("slack", "teams") → that platform's notifier."""
        self.by_platform = dict(by_platform)

    def send(self, recipient: Recipient, message: Message, delivery_id: int) -> Sent:
        """Send through the recipient's platform.

        Raises:
            DeliveryFailed: that platform's failure; or, when this process cannot send to that platform, a
                failure to retry (it ends in `tally jobs failures`, to queue again once the setting is there).
        """
        return self._notifier(recipient).send(recipient, message, delivery_id)

    def find_sent(self, recipient: Recipient, delivery_id: int, since: float) -> Sent | None:
        """Look through the recipient's platform."""
        return self._notifier(recipient).find_sent(recipient, delivery_id, since)

    def close(self) -> None:
        """Release what the notifiers hold (the Teams notifier's event loop thread)."""
        for notifier in self.by_platform.values():
            close = getattr(notifier, "close", None)
            if callable(close):
                close()

    def _notifier(self, recipient: Recipient) -> Notifier:
        notifier = self.by_platform.get(recipient.platform)
        if notifier is None:
            hint = SETUP_HINTS.get(recipient.platform, "")
            raise DeliveryFailed(
                f"this scheduler does not send to {recipient.platform}" + (f": {hint}" if hint else "")
            )
        return notifier
