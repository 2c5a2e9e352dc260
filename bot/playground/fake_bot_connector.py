"""A fake Bot Connector service: what Teams' side of a bot conversation looks like, as a real HTTP server.

The Agents SDK sends every reply and proactive message to the activity's `serviceUrl`
(`POST /v3/conversations/{id}/activities[/{replyToId}]`), edits with `PUT …/activities/{id}`, deletes with
`DELETE …/activities/{id}` and opens 1:1 chats with `POST /v3/conversations`. This server answers those calls
on 127.0.0.1 like the real service (and `GET …/members/{id}` for people added with `add_member`), records
each one, and can be told to fail the next calls (a 429 with Retry-After, a 5xx, a 403 for a user who removed
the app) so tests and the playground see real HTTP.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True, slots=True)
class ConnectorCall:
    """One request the bot made: its HTTP method, path, conversation id, body and the status it got."""

    method: str
    path: str
    conversation: str
    body: dict[str, Any]
    status: int
    at: float
    authorization: str | None = None

    @property
    def activity_id(self) -> str:
        """The id this call's activity was given (a POST) or addressed (PUT/DELETE); "" if none."""
        return str(self.body.get("id", ""))


@dataclass(frozen=True, slots=True)
class ConnectorFault:
    """A failure to answer the next matching call with: `status` (429, 403, 502…) and an optional Retry-After.

    `delay` holds the answer back that many seconds (a slow service: the caller's timeout fires first). A 2xx
    `status` with a delay is a slow success: the message lands, late.
    """

    status: int
    retry_after: float | None = None
    message: str = "fault injected by the fake Bot Connector"
    delay: float = 0.0


@dataclass
class _State:
    calls: list[ConnectorCall] = field(default_factory=list)
    faults: deque[ConnectorFault] = field(default_factory=deque)
    members: dict[str, dict[str, str]] = field(default_factory=dict)
    next_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)


class FakeBotConnector:
    """The Bot Connector service on 127.0.0.1; `service_url` goes into the activities a test posts to the bot.

    Use it as a context manager, or call `start()` and `close()`.
    """

    def __init__(self) -> None:
        self._state = _State()
        self._server = _Server(self._state)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-bot-connector", daemon=True)

    @property
    def service_url(self) -> str:
        """The base URL the SDK sends to (ends with a slash, as Teams' service URLs do)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> FakeBotConnector:
        """Start answering."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop answering and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeBotConnector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fail_next(self, *faults: ConnectorFault) -> None:
        """Answer the next calls that send or change a message with these faults, in order."""
        with self._state.lock:
            self._state.faults.extend(faults)

    def add_member(self, user_id: str, aad_object_id: str, name: str) -> None:
        """Make `GET /v3/conversations/{any}/members/{user_id}` answer with this person (Teams' mention lookup)."""
        with self._state.lock:
            self._state.members[user_id] = {"id": user_id, "aadObjectId": aad_object_id, "name": name}

    def calls(self) -> list[ConnectorCall]:
        """Every call so far, oldest first."""
        with self._state.lock:
            return list(self._state.calls)

    def sent(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """The activities that landed (POSTed and answered 2xx), optionally in one conversation, oldest first."""
        return [
            call.body
            for call in self.calls()
            if call.method == "POST"
            and call.status < 300
            and "/activities" in call.path
            and conversation in (None, call.conversation)
        ]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ConnectorCall]:
        """Block until at least `count` calls have arrived (or `timeout` passes); returns the calls so far."""
        deadline = time.monotonic() + timeout
        with self._state.arrived:
            while len(self._state.calls) < count and (left := deadline - time.monotonic()) > 0:
                self._state.arrived.wait(left)
            return list(self._state.calls)

    def clear(self) -> None:
        """Forget the calls so far (faults not yet used stay)."""
        with self._state.lock:
            self._state.calls.clear()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, state: _State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet when the caller hung up first (it timed out waiting for a delayed answer); loud otherwise."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        state = self.server.state
        with state.lock:
            found = state.members.get(parts[4]) if len(parts) == 5 and parts[3] == "members" else None
            status = 200 if found else 404
            conversation = parts[2] if len(parts) > 2 else ""
            call = ConnectorCall(
                "GET", self.path, conversation, {}, status, time.time(), self.headers.get("Authorization")
            )
            state.calls.append(call)
            state.arrived.notify_all()
        self._answer(status, found or {"error": {"code": "MemberNotFound", "message": "no such member"}})

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the recorded calls are the log."""

    def _handle(self, method: str) -> None:
        body = self._body()
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if parts[:2] != ["v3", "conversations"]:
            self._answer(404, {"error": {"code": "NotFound", "message": f"no route {self.path}"}})
            return
        state = self.server.state
        with state.lock:
            fault = state.faults.popleft() if state.faults else None
            status, answer, conversation = self._outcome(method, parts, body, fault, state)
            state.calls.append(
                ConnectorCall(
                    method,
                    self.path,
                    conversation,
                    body,
                    status,
                    time.time(),
                    self.headers.get("Authorization"),
                )
            )
            state.arrived.notify_all()
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault and fault.retry_after is not None else {}
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        self._answer(status, answer, headers)

    @staticmethod
    def _outcome(
        method: str, parts: list[str], body: dict[str, Any], fault: ConnectorFault | None, state: _State
    ) -> tuple[int, dict[str, Any], str]:
        conversation = parts[2] if len(parts) > 2 else ""
        if fault is not None and fault.status >= 300:
            return fault.status, {"error": {"code": str(fault.status), "message": fault.message}}, conversation
        state.next_id += 1
        if len(parts) == 2:  # POST /v3/conversations: a new 1:1 chat
            member = (body.get("members") or [{}])[0].get("id", "user")
            return 201, {"id": f"a:conversation-{member}", "activityId": str(state.next_id)}, f"a:{member}"
        if method == "POST":
            body["id"] = f"activity-{state.next_id}"
            return 201, {"id": body["id"]}, conversation
        body.setdefault("id", parts[-1])
        return 200, {"id": parts[-1]}, conversation

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with contextlib.suppress(ValueError):
            parsed = json.loads(raw or b"{}")
            if isinstance(parsed, dict):
                return parsed
        return {}

    def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
