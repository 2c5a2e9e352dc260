"""A Teams playground session: Tally's Teams endpoint over HTTP, a fake Bot Connector, and users who type.

Each typed line becomes the activity Teams would send (a 1:1 message, a channel mention, a button press, a dialog
submit), POSTed to the endpoint; what the bot sends back — through the connector, or in the HTTP answer to an
invoke — is printed as text, with its cards' buttons remembered so `@alice click Undo` presses them.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Any

from bot.playground import teams_activities as activities
from bot.playground.fake_bot_connector import ConnectorCall, FakeBotConnector
from bot.playground.teams_activities import TeamsUser, Where
from bot.playground.teams_render import ADAPTIVE_CARD, render_activity, render_card

TEAMS_HELP = """Type as a user, in their 1:1 chat with Tally:  @alice log 12 dials 3 meetings   @bob scorecard
Mention Tally in a channel:  @bob #sales-floor standings
Press a button on a card:    @alice click Undo
Fill an open dialog:         @alice submit dials=12 meetings=3
Lines starting with # are comments; `quit` leaves."""
TEAMS_INTRO = "Tally playground: the real Teams endpoint, a pretend Teams. Type `help`, or `quit` to leave."
TEAMS_DEMO = """\
# Alice (New York) logs her morning in her 1:1 chat with Tally.
@alice log 12 dials 3 meetings
# A typo gets a hint, and nothing is stored.
@alice log 5 dails
# Alice logs 20 dials by mistake and presses Undo.
@alice log 20 dials
@alice click Undo
@alice scorecard
# Bob (London) logs, then asks for the standings in the team's channel.
@bob log 40 calls, 2 mtgs
@bob #sales-floor standings
"""
EndpointFactory = Callable[[], AbstractContextManager[str]]
# "@alice log 12 dials" in alice's 1:1 chat, or "@bob #sales-floor standings" mentioning Tally in a channel.
_LINE = re.compile(
    r"^@(?P<user>[a-z][a-z0-9_.-]{0,30})\s+(?:#(?P<channel>[a-z0-9][a-z0-9_-]{0,40})\s+)?(?P<rest>.*)$", re.I
)
TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Button:
    """A pressable action on a card a user has seen: the action, the card's inputs and where the card is."""

    action: dict[str, Any]
    inputs: dict[str, Any]
    card_id: str
    where: Where
    in_dialog: bool = False


@dataclass
class TeamsPlayground:
    """Plays typed lines against a Teams endpoint; `endpoint()` starts it and yields the URL to POST to."""

    endpoint: EndpointFactory
    timezones: dict[str, str] = field(default_factory=dict)
    default_timezone: str = "UTC"
    connector: FakeBotConnector = field(default_factory=FakeBotConnector)
    _url: str = field(default="", init=False)
    _stack: ExitStack = field(default_factory=ExitStack, init=False)
    _buttons: dict[str, dict[str, Button]] = field(default_factory=dict, init=False)
    _dialogs: dict[str, list[Button]] = field(default_factory=dict, init=False)

    def __enter__(self) -> TeamsPlayground:
        with ExitStack() as stack:
            stack.enter_context(self.connector)
            self._url = stack.enter_context(self.endpoint())
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run_line(self, line: str) -> list[str]:
        """Play one line; return what to print."""
        line = line.strip()
        if not line or line.startswith("#"):
            return []
        if line.lower() in ("help", "?"):
            return TEAMS_HELP.splitlines()
        if line.lower().startswith("run "):
            return ["Scheduled jobs don't run in the Teams playground yet; try them in `tally playground`."]
        match = _LINE.match(line)
        if match is None:
            return ["Start with a user, e.g. `@alice log 12 dials` (type `help` for more)."]
        user = TeamsUser(match["user"].lower(), self.timezones.get(match["user"].lower(), self.default_timezone))
        where = Where(self.connector.service_url, match["channel"].lower() if match["channel"] else None)
        return list(self._act(user, where, match["rest"].strip()))

    def _act(self, user: TeamsUser, where: Where, rest: str) -> Iterator[str]:
        if rest.lower().startswith("click "):
            button = self._buttons.get(user.name, {}).get(rest[6:].strip().lower())
            if button is None:
                yield f"{user.name} has no [{rest[6:].strip()}] button to press."
                return
            yield from self._send(user, _press(user, button, button.inputs), button.in_dialog)
        elif rest.lower().startswith("submit"):
            yield from self._submit(user, rest[6:].strip())
        else:
            yield from self._send(user, activities.message(user, where, rest), in_dialog=False)

    def _submit(self, user: TeamsUser, fields: str) -> Iterator[str]:
        dialog = self._dialogs.get(user.name)
        if not dialog:
            yield f"{user.name} has no dialog open."
            return
        values = dialog_values(fields)
        if isinstance(values, str):
            yield values
            return
        button = dialog[0]
        yield from self._send(user, _press(user, button, {**button.inputs, **values}), in_dialog=True)

    def _send(self, user: TeamsUser, activity: dict[str, Any], in_dialog: bool) -> Iterator[str]:
        before = len(self.connector.calls())
        status, answer = post_activity(self._url, activity)
        if status >= 300:
            yield f"  (the endpoint answered HTTP {status}: {json.dumps(answer)[:200]})"
        elif activity["type"] == "invoke":
            yield from self._invoke_answer(user, activity, answer, in_dialog)
        for call in self.connector.calls()[before:]:
            yield from self._delivery(user, call)

    def _invoke_answer(self, user: TeamsUser, activity: dict[str, Any], answer: Any, in_dialog: bool) -> Iterator[str]:
        where = Where(self.connector.service_url, activity["channelData"].get("channel", {}).get("name"))
        task = answer.get("task") if isinstance(answer, dict) else None
        if isinstance(task, dict) and task.get("type") == "continue":
            value = task.get("value") or {}
            card = (value.get("card") or {}).get("content") or {}
            self._dialogs[user.name] = self._remember(user, card, activity["id"], where, in_dialog=True)
            yield from box(f"dialog “{value.get('title', '')}” open for {user.name}", render_card(card))
            return
        if in_dialog:
            self._dialogs.pop(user.name, None)
        if isinstance(task, dict) and task.get("type") == "message":
            yield from box(f"dialog closed, telling {user.name}", [str(task.get("value", ""))])
        elif isinstance(answer, dict) and answer.get("type") == ADAPTIVE_CARD:
            self._remember(user, answer.get("value") or {}, activity.get("replyToId", ""), where)
            yield from box(f"the card, refreshed for {user.name}", render_card(answer.get("value") or {}))
        elif in_dialog:
            yield f"  (the dialog closed for {user.name})"

    def _delivery(self, user: TeamsUser, call: ConnectorCall) -> Iterator[str]:
        if call.status >= 300:
            yield f"  (the Bot Connector answered {call.status} to {call.method} {call.path})"
        elif call.method == "DELETE":
            yield "  (Tally deleted an earlier message)"
        elif call.method == "POST" and "/activities" not in call.path:
            yield f"  (Tally opened a conversation: {call.path})"
        elif call.body.get("type", "message") == "message":
            where = self._where_of(call.conversation)
            for attachment in call.body.get("attachments") or []:
                if attachment.get("contentType") == ADAPTIVE_CARD:
                    self._remember(user, attachment.get("content") or {}, call.activity_id, where)
            yield from box(_title(call, user, where), render_activity(call.body))

    def _where_of(self, conversation: str) -> Where:
        channel = re.fullmatch(r"19:(.+)@thread\.tacv2", conversation)
        return Where(self.connector.service_url, channel.group(1) if channel else None)

    def _remember(
        self, user: TeamsUser, card: dict[str, Any], card_id: str, where: Where, *, in_dialog: bool = False
    ) -> list[Button]:
        inputs = card_inputs(card)
        buttons = [Button(action, inputs, card_id, where, in_dialog) for action in card_actions(card)]
        for button in buttons:
            self._buttons.setdefault(user.name, {})[str(button.action.get("title", "")).lower()] = button
        return buttons


def _press(user: TeamsUser, button: Button, inputs: dict[str, Any]) -> dict[str, Any]:
    return activities.press(
        user, button.where, button.action, inputs, in_dialog=button.in_dialog, card_id=button.card_id
    )


def _title(call: ConnectorCall, user: TeamsUser, where: Where) -> str:
    place = f"posted in #{where.channel}" if where.channel else f"to {user.name} (1:1 chat)"
    if call.method == "PUT":
        return f"{place}, replacing an earlier message"
    return f"reply {place}" if call.body.get("replyToId") else place


def box(title: str, lines: list[str]) -> Iterator[str]:
    """Lines in a frame under a title, as the Slack playground prints them."""
    yield f"  ┌─ {title}"
    for line in lines:
        yield f"  │ {line}"
    yield "  └─"


def card_actions(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every pressable action on a card: its actions, those in ActionSets, and those in cards they show."""
    for action in card.get("actions") or []:
        yield action
        if action.get("type") == "Action.ShowCard":
            yield from card_actions(action.get("card") or {})
    for element in _walk(card.get("body") or []):
        if element.get("type") == "ActionSet":
            yield from card_actions({"actions": element.get("actions")})


def card_inputs(card: dict[str, Any]) -> dict[str, Any]:
    """The card's inputs by id, holding their initial values ("" when empty), as Teams submits them."""
    return {
        str(element["id"]): element.get("value", "")
        for element in _walk(card.get("body") or [])
        if str(element.get("type", "")).startswith("Input.") and element.get("id")
    }


def _walk(elements: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for element in elements:
        yield element
        yield from _walk(element.get("items") or [])
        for column in element.get("columns") or []:
            yield from _walk(column.get("items") or [])


def dialog_values(fields: str) -> dict[str, str] | str:
    """`dials=12 tags=#x` → the dialog's input values by id; a usage hint if a pair is malformed."""
    values: dict[str, str] = {}
    for pair in fields.split():
        key, _, value = pair.partition("=")
        if not key or not value:
            return f"Write fields as name=value, e.g. `dials=12` (got “{pair}”)."
        values[key] = value
    return values


def post_activity(url: str, activity: dict[str, Any]) -> tuple[int, Any]:
    """POST an activity as Teams does (JSON, no token: the endpoint runs in anonymous mode); (status, JSON or text)."""
    request = urllib.request.Request(
        url, json.dumps(activity).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status, raw = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read().decode()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw
