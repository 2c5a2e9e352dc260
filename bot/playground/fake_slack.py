"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that records every call and can be told to misbehave.

It answers the Web API methods Tally uses the way Slack does (`auth.test`, `users.info`, `chat.postMessage`,
`views.publish`, …), stands in for `response_url` at `/respond/<id>`, and, when asked, answers the next calls to
a method with 429 + Retry-After, a 5xx, or hangs past the client's timeout. The playground drives it; so do the
tests.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.playground.fake_slack_methods import METHODS

RESPOND_PREFIX = "/respond/"


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received: the API method (or "response_url"), its parameters, and what it answered."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    at: float
    path: str = ""

    def json_param(self, name: str) -> Any:
        """A parameter that slack_sdk may send JSON-encoded inside a form (blocks, view): decoded."""
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


@dataclass(slots=True)
class _Fault:
    status: int = 0
    retry_after: int | None = None
    hang_seconds: float = 0.0
    drop: bool = False


@dataclass
class FakeSlack:
    """The fake server. Use as a context manager, or call start() and stop().

    Attributes:
        team_id: the workspace id every answer carries.
        bot_token: the only token accepted; any other gets `invalid_auth`, as from Slack.
        users: user id → users.info `user` object.
    """

    team_id: str = "T0PLAYGRND"
    bot_token: str = "xoxb-playground"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    _calls: list[Call] = field(default_factory=list, init=False, repr=False)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    _ts: Any = field(default_factory=lambda: itertools.count(1), init=False, repr=False)
    _server: _Server | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> FakeSlack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1 and serve on a background thread."""
        self._server = _Server(self)
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
            self._faults.setdefault(method, []).extend(_Fault(status, retry_after) for _ in range(times))

    def hang_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `seconds` before answering (to trip client timeouts)."""
        with self._lock:
            self._faults.setdefault(method, []).extend(_Fault(hang_seconds=seconds) for _ in range(times))

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next `times` calls of `method` without answering (a network failure)."""
        with self._lock:
            self._faults.setdefault(method, []).extend(_Fault(drop=True) for _ in range(times))

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

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            for key in (method, "*"):
                if self._faults.get(key):
                    return self._faults[key].pop(0)
        return None

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()

    def _summary(self) -> str:
        return ", ".join(call.method for call in self._calls[-20:]) or "none"

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token != self.bot_token:
            return {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
        handler = METHODS.get(method)
        return handler(self, params) if handler else {"ok": True}

    def next_ts(self) -> str:
        """A message timestamp, increasing, as Slack's are."""
        return f"{time.time():.0f}.{next(self._ts):06d}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the recorded calls are the log."""

    def _handle(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        params: dict[str, Any] = dict(parse_qsl(parts.query))
        params.update(self._body())
        headers = {key.lower(): value for key, value in self.headers.items()}
        method = "response_url" if parts.path.startswith(RESPOND_PREFIX) else parts.path.removeprefix("/api/")
        fault = fake._take_fault(method)
        if fault is not None and fault.hang_seconds:
            time.sleep(fault.hang_seconds)
        if fault is not None and fault.drop:
            fake._record(Call(method, params, headers, 0, time.time(), parts.path))
            self.close_connection = True
            self.connection.close()
            return
        status = fault.status if fault is not None and fault.status else 200
        fake._record(Call(method, params, headers, status, time.time(), parts.path))
        if fault is not None and fault.status:
            self._send_fault(fault)
        elif method == "response_url":
            self._send(200, None)
        else:
            token = headers.get("authorization", "").removeprefix("Bearer ") or params.get("token")
            self._send(200, fake._answer(method, params, token))

    def _body(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        if not raw:
            return {}
        if "json" in (self.headers.get("Content-Type") or ""):
            decoded = json.loads(raw)
            return decoded if isinstance(decoded, dict) else {"_body": decoded}
        return dict(parse_qsl(raw, keep_blank_values=True))

    def _send_fault(self, fault: _Fault) -> None:
        if fault.status == 429:
            extra = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            self._send(429, {"ok": False, "error": "ratelimited"}, extra)
        else:
            self._send(fault.status, {"ok": False, "error": "fatal_error"})

    def _send(self, status: int, payload: dict[str, Any] | None, extra_headers: dict[str, str] | None = None) -> None:
        body = b"ok" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if payload is None else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra_headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # the client may have given up (a hang outlasted its timeout)
