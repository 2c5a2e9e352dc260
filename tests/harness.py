"""Driving the real Bolt app over HTTP with signed requests, and reading what it sent to the fake Slack."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from bot.playground import slack_requests as requests
from bot.playground.fake_slack import Call, FakeSlack
from bot.playground.render import render_blocks
from tests.factories import FakeClock

TEAM = "T0PLAYGRND"
P = ParamSpec("P")
T = TypeVar("T")


class ListenerPool(ThreadPoolExecutor):
    """The test app's listener threads, counting the work submitted and not yet finished.

    Bolt submits a request's lazy listener before it answers the HTTP request, and a listener's Slack calls are
    synchronous, so once the pool is idle every request sent so far has done all it will ever do. Tests that assert
    that nothing happened wait for that instead of for a quiet moment (which a slow listener could outlast).
    """

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers)
        self._pending = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._changed:
            self._pending += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: object) -> None:
        with self._changed:
            self._pending -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> None:
        """Block until no submitted work is queued or running; raise TimeoutError after `timeout` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._pending == 0, timeout):
                raise TimeoutError(f"listeners still busy after {timeout} s: {self._pending} pending")


@dataclass(frozen=True)
class Reply:
    """The HTTP answer to a request and, for commands and actions, the message sent to its response_url."""

    http: requests.HttpReply
    message: dict[str, Any] | None

    @property
    def text(self) -> str:
        """Everything the user would read, blocks rendered as plain text (empty if nothing was sent)."""
        if self.message is None:
            return ""
        blocks = self.message.get("blocks")
        if isinstance(blocks, list) and blocks:
            return "\n".join(render_blocks(blocks))
        return str(self.message.get("text", ""))

    @property
    def buttons(self) -> dict[str, str]:
        """Button label → value, across the message's actions blocks."""
        found: dict[str, str] = {}
        for block in (self.message or {}).get("blocks") or []:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                found[element["text"]["text"]] = element.get("value", "")
        return found


@dataclass
class SlackHarness:
    fake: FakeSlack
    url: str
    signing_secret: str
    sessions: sessionmaker[Session]
    clock: FakeClock
    team_id: str = TEAM
    listeners: ListenerPool | None = None

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until the app has finished the work of every request sent so far (see ListenerPool).

        A generous deadline, not a timing assertion: on a quiet machine this returns in milliseconds.
        """
        assert self.listeners is not None, "this harness was built without a ListenerPool"
        self.listeners.wait_idle(timeout)

    @property
    def poster(self) -> requests.SignedPoster:
        return requests.SignedPoster(self.url, self.signing_secret)

    def add_user(self, user_id: str, name: str, tz: str) -> None:
        self.fake.add_user(user_id, name, tz)

    def command(
        self, command: str, text: str, *, user: str = "UALICE", trigger_id: str | None = None, **post: Any
    ) -> Reply:
        """Send a slash command; wait for the reply it sends to its response_url (if the request was accepted)."""
        response_url = self.fake.new_response_url()
        body = requests.slash_command(
            command, text, user_id=user, team_id=self.team_id, response_url=response_url, trigger_id=trigger_id
        )
        return self._post_and_wait(body, response_url, **post)

    def click(self, action_id: str, value: str, *, user: str = "UALICE", **post: Any) -> Reply:
        """Press a button in a message; wait for the reply to its response_url."""
        response_url = self.fake.new_response_url()
        body = requests.block_action(action_id, value, user_id=user, team_id=self.team_id, response_url=response_url)
        return self._post_and_wait(body, response_url, **post)

    def press_in_view(
        self, action_id: str, value: str, *, user: str = "UALICE", trigger_id: str | None = None
    ) -> requests.HttpReply:
        """Press a button on the Home tab or in a modal: no response_url, the answer comes as Web API calls."""
        body = requests.block_action(
            action_id,
            value,
            user_id=user,
            team_id=self.team_id,
            response_url=None,
            trigger_id=trigger_id,
            container={"type": "view", "view_id": "VHOME"},
        )
        return self.poster.post(body, requests.FORM)

    def submit(
        self,
        callback_id: str,
        values: dict[str, Any],
        *,
        user: str = "UALICE",
        view_id: str | None = None,
        private_metadata: str = "",
    ) -> requests.HttpReply:
        """Submit a modal; the answer (errors or an empty ack) is the HTTP body itself."""
        body = requests.view_submission(
            callback_id, values, user_id=user, team_id=self.team_id, view_id=view_id, private_metadata=private_metadata
        )
        return self.poster.post(body, requests.FORM)

    def event(self, event: dict[str, Any], **post: Any) -> requests.HttpReply:
        return self.poster.post(requests.event_callback(event, team_id=self.team_id), requests.JSON, **post)

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until the fake Slack has received `count` successful calls of `method`; return them."""
        calls = self.fake.wait_for(lambda all_: len([c for c in all_ if c.method == method]) >= count, timeout)
        return [call for call in calls if call.method == method]

    def _post_and_wait(self, body: str, response_url: str, **post: Any) -> Reply:
        http = self.poster.post(body, requests.FORM, **post)
        if http.status != 200:
            return Reply(http, None)
        path = urlsplit(response_url).path
        calls = self.fake.wait_for(lambda all_: any(call.path == path for call in all_))
        message = next(call for call in calls if call.path == path).params
        return Reply(http, message)
