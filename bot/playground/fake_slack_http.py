"""The fake Slack's HTTP side: a threading server on 127.0.0.1 and the handler that answers like Slack."""

from __future__ import annotations

import contextlib
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from bot.playground.fake_slack_calls import Call, Fault

if TYPE_CHECKING:
    from bot.playground.fake_slack import FakeSlack

RESPOND_PREFIX = "/respond/"
UPLOAD_PREFIX = "/upload/"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 drops connections when many senders call at once

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.fake = fake


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the recorded calls are the log."""

    def _handle(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        if parts.path.startswith(UPLOAD_PREFIX):  # files_upload_v2's step 2: the bytes, to the URL step 1 gave
            fake.uploads[parts.path.removeprefix(UPLOAD_PREFIX)] = self.rfile.read(int(self.headers["Content-Length"]))
            fake._record(Call("file upload", {}, {}, 200, time.time(), parts.path))
            self._send(200, None)
            return
        params: dict[str, Any] = dict(parse_qsl(parts.query))
        params.update(self._body())
        headers = {key.lower(): value for key, value in self.headers.items()}
        method = "response_url" if parts.path.startswith(RESPOND_PREFIX) else parts.path.removeprefix("/api/")
        arrived = time.time()
        fault = fake._take_fault(method)
        if fake.latency.get(method):
            time.sleep(fake.latency[method])  # a slow Slack: long enough to kill a sender mid-fan-out
        if fault is not None and fault.hang_seconds:
            time.sleep(fault.hang_seconds)
        if fault is not None and fault.drop:
            fake._record(Call(method, params, headers, 0, time.time(), parts.path, arrived))
            self.close_connection = True
            self.connection.close()
            return
        if fault is None and (retry_after := fake._rate_limited(method, params)) is not None:
            fake._record(Call(method, params, headers, 429, time.time(), parts.path, arrived))
            self._send(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": retry_after})
            return
        status = fault.status if fault is not None and fault.status else 200
        fake._record(Call(method, params, headers, status, time.time(), parts.path, arrived))
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

    def _send_fault(self, fault: Fault) -> None:
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
