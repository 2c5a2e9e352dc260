"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that records every call and can be told to misbehave.

It answers the Web API methods Tally uses the way Slack does (`auth.test`, `users.info`, `chat.postMessage`,
`views.publish`, …), stands in for `response_url` at `/respond/<id>`, and, when asked, answers the next calls to
a method with 429 + Retry-After, a 5xx, or hangs past the client's timeout. The playground drives it; so do the
tests.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.playground.fake_slack_calls import Call, Chaos, Fault
from bot.playground.fake_slack_http import RESPOND_PREFIX, Server
from bot.playground.fake_slack_limits import Limiter, RateLimits
from bot.playground.fake_slack_methods import METHODS
from bot.playground.fake_slack_oauth import Installs

__all__ = ["Call", "FakeSlack"]


@dataclass
class FakeSlack:
    """The fake server. Use as a context manager, or call start() and stop().

    Attributes:
        team_id: the workspace id every answer carries.
        bot_token: the single-workspace token, for `team_id`; other tokens must come from `installs`.
        users: user id → users.info `user` object.
        installs: OAuth installs into other workspaces, and their tokens (fake_slack_oauth.py).
    """

    team_id: str = "T0PLAYGRND"
    bot_token: str = "xoxb-playground"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel → what was posted there
    archived: set[str] = field(default_factory=set)
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id → the bytes uploaded
    latency: dict[str, float] = field(default_factory=dict)  # method → seconds every call of it takes
    clock: Callable[[], float] = time.time  # Slack's clock, for message timestamps (a simulation sets its own)
    installs: Installs = field(default_factory=Installs)
    _limiter: Limiter | None = field(default=None, init=False, repr=False)
    _chaos: Chaos | None = field(default=None, init=False, repr=False)
    _calls: list[Call] = field(default_factory=list, init=False, repr=False)
    _faults: dict[str, list[Fault]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    _ts: Any = field(default_factory=lambda: itertools.count(1), init=False, repr=False)
    _server: Server | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> FakeSlack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1 and serve on a background thread."""
        self._server = Server(self)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
        ).start()

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def root_url(self) -> str:
        """http://127.0.0.1:PORT"""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL to give WebClient / SLACK_API_URL."""
        return f"{self.root_url}/api/"

    def new_response_url(self) -> str:
        """A fresh response_url, as Slack puts in every command and interaction."""
        return f"{self.root_url}{RESPOND_PREFIX}{uuid.uuid4().hex}"

    def add_user(self, user_id: str, name: str, tz: str = "UTC", **extra: Any) -> None:
        """Make users.info know `user_id`."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower(),
            "real_name": name,
            "tz": tz,
            "tz_label": tz,
            "deleted": False,
            "is_bot": False,
            "profile": {"display_name": name, "real_name": name},
            **extra,
        }

    def fail_next(self, method: str, *, status: int = 429, retry_after: int | None = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `method` ("*" for any) with HTTP `status` (429 carries Retry-After)."""
        with self._lock:
            self._faults.setdefault(method, []).extend(Fault(status, retry_after) for _ in range(times))

    def hang_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `seconds` before answering (to trip client timeouts)."""
        with self._lock:
            self._faults.setdefault(method, []).extend(Fault(hang_seconds=seconds) for _ in range(times))

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next `times` calls of `method` without answering (a network failure)."""
        with self._lock:
            self._faults.setdefault(method, []).extend(Fault(drop=True) for _ in range(times))

    def misbehave(
        self,
        methods: set[str],
        *,
        rate_limited: float = 0.0,
        server_error: float = 0.0,
        hang: float = 0.0,
        hang_seconds: float = 1.0,
        retry_after: int = 1,
        seed: int = 0,
    ) -> None:
        """From now on, answer these fractions of the calls of `methods` with 429, 500, or a hang (after which
        the call still takes effect: the worst case, a client that timed out on a message that was posted)."""
        self._chaos = Chaos(methods, rate_limited, server_error, hang, hang_seconds, retry_after, random.Random(seed))

    def limit_rates(self, limits: RateLimits | None) -> None:
        """From now on, answer chat.postMessage beyond Slack's posting limits with 429 + Retry-After (None: no
        limits, the default)."""
        self._limiter = None if limits is None else Limiter(limits)

    def behave(self) -> Counter[str]:
        """Stop misbehaving; return how the calls since `misbehave` were answered ("429", "500", "hang", "none")."""
        with self._lock:
            drawn = self._chaos.drawn if self._chaos is not None else Counter[str]()
            self._chaos = None
        return drawn

    def store_message(self, channel: str, message: dict[str, Any]) -> None:
        """Keep a posted message, as conversations.history will return it."""
        with self._lock:
            self.messages.setdefault(channel, []).append(message)

    def calls(self, method: str | None = None) -> list[Call]:
        """Every call received so far (optionally only those of one method), oldest first."""
        with self._lock:
            return [call for call in self._calls if method is None or call.method == method]

    def clear(self) -> None:
        """Forget the calls received so far."""
        with self._lock:
            self._calls.clear()

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 5.0) -> list[Call]:
        """Block until `predicate(calls)` holds, then return the calls; raise TimeoutError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(list(self._calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Slack: condition not met in {timeout} s; calls: {self._summary()}")
                self._lock.wait(remaining)
            return list(self._calls)

    # -- called by the request handler -------------------------------------------------------------------

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for key in (method, "*"):
                if self._faults.get(key):
                    return self._faults[key].pop(0)
            return self._chaos.roll(method) if self._chaos is not None else None

    def _rate_limited(self, method: str, params: dict[str, Any]) -> str | None:
        """The Retry-After to answer with if this call is over Slack's posting limits, else None."""
        if self._limiter is None or method != "chat.postMessage":
            return None
        wait = self._limiter.admit(str(params.get("channel", "")))
        return self._limiter.limits.retry_after(wait) if wait else None

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()

    def _summary(self) -> str:
        return ", ".join(call.method for call in self._calls[-20:]) or "none"

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return self.installs.exchange(params, token, time.time())
        if token == self.bot_token:
            team = self.team_id
        else:
            grant, error = self.installs.check(token, time.time())
            if grant is None:
                return {"ok": False, "error": error}
            team = grant.team_id
        handler = METHODS.get(method)
        return handler(self, {**params, "_team_id": team}) if handler else {"ok": True}

    def next_ts(self) -> str:
        """A message timestamp, increasing, as Slack's are."""
        return f"{self.clock():.0f}.{next(self._ts):06d}"
