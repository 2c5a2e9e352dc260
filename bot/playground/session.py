"""A playground session: the real app over HTTP, the fake Slack, and users who type commands."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.playground import slack_requests as requests
from bot.playground.fake_slack import Call, FakeSlack
from bot.playground.transcript import render_calls
from bot.slack.app import build_app
from bot.slack.blocks import ids
from bot.slack.notifier import SlackNotifier, notifier_client
from bot.slack.runtime import Runtime
from bot.slack.server import EVENTS_PATH, make_http_server, serve_in_background
from bot.slack.text import escape_like_slack
from metrics import jobs
from metrics.records import Platform, WorkspaceDefaults

# Time zones for the people the demo uses; anyone else gets the workspace default.
KNOWN_PEOPLE = {
    "alice": "America/New_York",
    "bob": "Europe/London",
    "carol": "America/Los_Angeles",
    "dave": "Asia/Tokyo",
}
HELP = """Type as a user:  @alice /log 12 dials 3 meetings   @bob /scorecard   @alice /tally help
Press a button:  @alice click Undo        Open the Home tab:  @alice home
Fill the form:   @alice /log   then   @alice submit dials=12 meetings=3
Run a scheduled job as if at a time:  run nudges at 2026-12-01T08:30-05:00  (also standings, digests)
Lines starting with # are comments; `quit` leaves."""
# The commands whose manifest entry sets should_escape: Slack sends mentions in them as <@U…> markup.
ESCAPED_COMMANDS = frozenset({"/kpis", "/tally", "/target", "/scorecard", "/standings", "/plan", "/funnel"})
_LINE = re.compile(r"^@(?P<user>[a-z][a-z0-9_.-]{0,30})\s+(?P<rest>.*)$", re.IGNORECASE)
_JOB = re.compile(r"^run\s+(?P<job>nudges|standings|digests)\s+at\s+(?P<when>\S+(?:\s\d{1,2}:\d{2})?)$", re.IGNORECASE)


@dataclass
class Playground:
    """Runs the real Bolt app against a fake Slack; `run_line` plays one typed line and returns the output."""

    sessions: sessionmaker[Session]
    defaults: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)
    slack: FakeSlack = field(default_factory=FakeSlack)
    _poster: requests.SignedPoster | None = field(default=None, init=False)
    _shutdown: Any = field(default=None, init=False)
    # Per user: the buttons they can see (label → action id, value, whether it sits in a message), and the
    # initial day of the form they have open.
    _buttons: dict[str, dict[str, tuple[str, str, bool]]] = field(default_factory=dict, init=False)
    _forms: dict[str, str] = field(default_factory=dict, init=False)

    def __enter__(self) -> Playground:
        self.slack.start()
        secret = secrets.token_hex(16)
        runtime = Runtime(sessions=self.sessions, defaults=self.defaults, source=Platform.PLAYGROUND)
        app = build_app(
            runtime=runtime,
            bot_token=self.slack.bot_token,
            signing_secret=secret,
            slack_api_url=self.slack.base_url,
            process_before_response=True,  # each request returns once its replies have reached the fake Slack
        )
        server = make_http_server(app, "127.0.0.1", 0)
        serve_in_background(server)
        self._shutdown = server
        self._poster = requests.SignedPoster(f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}", secret)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._shutdown is not None:
            self._shutdown.shutdown()
            self._shutdown.server_close()
        self.slack.stop()

    def run_line(self, line: str) -> list[str]:
        """Play one line; return what to print."""
        line = line.strip()
        if not line or line.startswith("#"):
            return []
        if line.lower() in ("help", "?"):
            return HELP.splitlines()
        job = _JOB.match(line)
        if job is not None:
            return list(self._run_job(job.group("job").lower(), job.group("when")))
        match = _LINE.match(line)
        if match is None:
            return ["Start with a user, e.g. `@alice /log 12 dials` (type `help` for more)."]
        user, rest = match.group("user").lower(), match.group("rest").strip()
        return list(self._act(user, rest))

    def _act(self, user: str, rest: str) -> Iterator[str]:
        user_id = self._user_id(user)
        before = len(self.slack.calls())
        reply: requests.HttpReply | str
        if rest.startswith("/"):
            command, _, text = rest.partition(" ")
            reply = self._post_command(user_id, command, text.strip())
        elif rest.lower().startswith("click "):
            reply = self._click(user, user_id, rest[6:].strip())
        elif rest.lower() == "home":
            reply = self._open_home(user_id)
        elif rest.lower().startswith("submit"):
            reply = self._submit(user, user_id, rest[6:].strip())
        else:
            yield f"I can't do “{rest}” as {user}; type `help`."
            return
        if isinstance(reply, str):
            yield reply
            return
        new_calls = self.slack.calls()[before:]
        self._remember(user, new_calls)
        yield from render_calls(reply, new_calls, user, show_home=rest.lower() == "home")

    def _run_job(self, name: str, when: str) -> Iterator[str]:
        """Plan and send one scheduled job as if at `when` (an ISO time; without an offset, the default zone)."""
        try:
            at = datetime.fromisoformat(when.replace(" ", "T"))
        except ValueError:
            yield f"“{when}” isn't a time; write e.g. 2026-12-01T08:30-05:00."
            return
        at = at if at.tzinfo else at.replace(tzinfo=ZoneInfo(self.defaults.timezone))
        before = len(self.slack.calls())
        notifier = SlackNotifier(notifier_client(self.slack.bot_token, self.slack.base_url, timeout=5))
        report = jobs.run(name, self.sessions, notifier, at.astimezone(UTC), owner="playground")
        sent = report.dispatched.sent if report.dispatched else 0
        yield f"  ({name} as if at {at:%Y-%m-%d %H:%M %Z}: {report.planned.planned} planned, {sent} sent)"
        yield from self._deliveries(self.slack.calls()[before:])

    def _deliveries(self, calls: list[Call]) -> Iterator[str]:
        for call in calls:
            if call.method != "chat.postMessage" or call.status != 200:
                continue
            channel = str(call.params.get("channel", ""))
            person = self.slack.users.get(channel, {}).get("name")
            if person:
                self._remember(person, [call])  # so `@bob click +10 dials` presses the nudge's button
            yield from render_calls(requests.HttpReply(200, ""), [call], person or channel)

    def _post_command(self, user_id: str, command: str, text: str) -> requests.HttpReply:
        body = requests.slash_command(
            command,
            self._as_slack_sends(command, text),
            user_id=user_id,
            team_id=self.slack.team_id,
            response_url=self.slack.new_response_url(),
        )
        return self._post(body, requests.FORM)

    def _click(self, user: str, user_id: str, label: str) -> requests.HttpReply | str:
        button = self._buttons.get(user, {}).get(label.lower())
        if button is None:
            return f"{user} has no [{label}] button to press."
        action_id, value, in_message = button
        # Slack gives every interaction with a message a fresh response_url; Home tab buttons get none.
        response_url = self.slack.new_response_url() if in_message else None
        body = requests.block_action(
            action_id, value, user_id=user_id, team_id=self.slack.team_id, response_url=response_url
        )
        return self._post(body, requests.FORM)

    def _open_home(self, user_id: str) -> requests.HttpReply:
        event = {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id[1:], "tab": "home"}
        return self._post(requests.event_callback(event, team_id=self.slack.team_id), requests.JSON)

    def _submit(self, user: str, user_id: str, fields: str) -> requests.HttpReply | str:
        if user not in self._forms:
            return f"{user} has no form open; type `@{user} /log` first."
        values = form_values(fields, initial_day=self._forms[user])
        if isinstance(values, str):
            return values
        body = requests.view_submission(ids.LOG_FORM, values, user_id=user_id, team_id=self.slack.team_id)
        reply = self._post(body, requests.FORM)
        answer = reply.json()
        if not (isinstance(answer, dict) and answer.get("response_action") == "errors"):
            del self._forms[user]  # a form with errors stays open, as in Slack
        return reply

    def _post(self, body: str, content_type: str) -> requests.HttpReply:
        if self._poster is None:
            raise RuntimeError("the playground is not started")
        return self._poster.post(body, content_type)

    def _as_slack_sends(self, command: str, typed: str) -> str:
        """Slack escapes &, < and >; for commands with should_escape it also turns @name into mention markup."""
        text = escape_like_slack(typed)
        if command in ESCAPED_COMMANDS:
            text = re.sub(
                r"(?<![\w<])@([a-z][a-z0-9_.-]{0,30})",
                lambda m: f"<@{self._user_id(m.group(1).lower())}|{m.group(1)}>",
                text,
                flags=re.IGNORECASE,
            )
            text = re.sub(
                r"(?<![\w<&])#([a-z0-9][a-z0-9_-]{0,40})",
                lambda m: f"<#C{m.group(1).upper().replace('-', '')[:10]}|{m.group(1)}>",
                text,
                flags=re.IGNORECASE,
            )
        return text

    def _user_id(self, user: str) -> str:
        user_id = "U" + re.sub(r"[^A-Z0-9]", "", user.upper())[:10]
        if user_id not in self.slack.users:
            self.slack.add_user(user_id, user.capitalize(), KNOWN_PEOPLE.get(user, self.defaults.timezone))
        return user_id

    def _remember(self, user: str, calls: list[Call]) -> None:
        for call in calls:
            view = call.json_param("view") or {}
            if call.method == "views.open":
                self._forms[user] = _initial_day(view)
            in_message = call.method in ("response_url", "chat.postMessage")
            for block in call.json_param("blocks") or view.get("blocks") or []:
                for element in block.get("elements", []) if block.get("type") == "actions" else []:
                    label = str(element.get("text", {}).get("text", "")).lower()
                    self._buttons.setdefault(user, {})[label] = (
                        element["action_id"],
                        element.get("value", ""),
                        in_message,
                    )


def _initial_day(view: dict[str, Any]) -> str:
    for block in view.get("blocks", []):
        if block.get("block_id") == ids.DAY_BLOCK:
            return str(block["element"].get("initial_date", ""))
    return ""


def form_values(fields: str, *, initial_day: str) -> dict[str, Any] | str:
    """`dials=12 meetings=3 day=2026-11-25 tags=#x` → a view state's `values` for the log form."""
    values: dict[str, Any] = {ids.DAY_BLOCK: {ids.DAY_INPUT: {"type": "datepicker", "selected_date": initial_day}}}
    for pair in fields.split():
        key, _, value = pair.partition("=")
        if not value:
            return f"Write fields as name=value, e.g. `dials=12` (got “{pair}”)."
        if key == "day":
            values[ids.DAY_BLOCK] = {ids.DAY_INPUT: {"type": "datepicker", "selected_date": value}}
        elif key == "tags":
            values[ids.TAGS_BLOCK] = {ids.TAGS_INPUT: {"type": "plain_text_input", "value": value}}
        else:
            block = f"{ids.METRIC_BLOCK_PREFIX}{key}"
            values[block] = {ids.METRIC_INPUT: {"type": "number_input", "value": value}}
    return values
