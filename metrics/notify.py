"""What Tally says on its own, and the port it says it through: a neutral message and the Notifier protocol.

Jobs in `metrics/` decide *what* to say (a nudge's lines, a chart's numbers, the buttons to offer); each chat
front end's notifier decides *how* (Block Kit for Slack, Adaptive Cards for Teams). A message is stored in the
outbox as JSON, so everything here converts to and from plain dicts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Action:
    """A button: `action` names what it does (e.g. "quick_log"), `value` what it does it with ("dials:10")."""

    label: str
    action: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Series:
    """One line or set of bars in a chart: a label and a value per category."""

    label: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart to draw: bars of progress per person and/or lines of a trend, over `categories`."""

    title: str
    kind: str  # "bars" (progress per rep, % of target) or "lines" (the team's trend)
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    reference: float | None = None  # a line to draw across, e.g. 100 (% of target)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading (optional) and its lines. Lines may use *bold*; names are plain text, never mentions."""

    lines: tuple[str, ...]
    heading: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    """A message in no platform's format.

    Attributes:
        kind: nudge, standings, celebration, digest or coaching.
        title: the headline.
        text: the notification text (Slack's fallback), complete on its own.
        sections: the body.
        actions: buttons under the body.
        charts: charts to draw and attach as images.
        note: a small print line at the end.
    """

    kind: str
    title: str
    text: str
    sections: tuple[Section, ...] = ()
    actions: tuple[Action, ...] = ()
    charts: tuple[Chart, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the outbox's JSON column."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        """The message a `to_json` dict describes."""
        return cls(
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            sections=tuple(Section(tuple(s["lines"]), s.get("heading", "")) for s in data.get("sections", ())),
            actions=tuple(Action(**a) for a in data.get("actions", ())),
            charts=tuple(
                Chart(
                    c["title"],
                    c["kind"],
                    tuple(c["categories"]),
                    tuple(Series(s["label"], tuple(s["values"])) for s in c["series"]),
                    c.get("reference"),
                )
                for c in data.get("charts", ())
            ),
            note=data.get("note", ""),
        )


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a message goes: a person (`user`, their chat user id) or a channel (`channel`, its id).

    `workspace` is the platform's id of the workspace (Slack's team id, a Teams tenant id), whose credentials send
    it. `platform` names the chat platform ("slack", "teams"), so one dispatcher can serve several. `reference`
    is what a platform that cannot address people by id alone needs to reach them (Teams' conversation
    reference, stored on first contact): opaque here, None where the platform needs none or has none yet.
    """

    kind: str
    address: str
    workspace: str = ""
    platform: str = "slack"
    reference: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Sent:
    """Proof of sending: the conversation it landed in and the platform's id for the message."""

    conversation: str
    message_id: str


@dataclass(eq=False)  # not frozen: Python sets __traceback__ and __context__ on an exception as it is raised
class DeliveryFailed(Exception):
    """Sending did not work.

    Attributes:
        reason: what the platform said (e.g. "ratelimited", "user_not_found", "timeout").
        retry_after: seconds the platform asked us to wait (a rate limit); the whole workspace waits.
        gone: the recipient or the workspace can no longer be reached (user deactivated, channel archived,
            app uninstalled): skip, do not retry.
        workspace_gone: the whole workspace is unreachable (token revoked): stop sending to it.
        unsure: the message may have been sent (a timeout after the request went out): look before resending.
    """

    reason: str
    retry_after: float | None = None
    gone: bool = False
    workspace_gone: bool = False
    unsure: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


class Notifier(Protocol):
    """A chat platform's way to send what jobs planned."""

    def send(self, recipient: Recipient, message: Message, delivery_id: int) -> Sent:
        """Post the message, tagged with its delivery id so `find_sent` can recognise it. Raises DeliveryFailed."""
        ...

    def find_sent(self, recipient: Recipient, delivery_id: int, since: float) -> Sent | None:
        """The message tagged with `delivery_id` posted to `recipient` since `since` (a Unix time), if any.

        Raises:
            DeliveryFailed: the platform could not be asked.
        """
        ...
