"""Logging: plain text for a terminal, or one JSON object per line (TALLY_LOG_FORMAT=json) for a log pipeline.

Every line, in either format, is scrubbed of anything shaped like a Slack token (xoxb-…, xapp-…) and of the text
the user typed in the request being handled, whatever logged it (our code, Bolt, the Slack SDK, a traceback).
JSON lines carry the request's id, workspace and command when the line was logged on behalf of a request.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.ops.context import RequestInfo, current_request

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
TYPED_REDACTED = "[typed text]"
# Shorter typed text ("12", "ok") would blank out unrelated numbers and words; such text says little anyway.
TYPED_MIN_LENGTH = 4


def configure_logging(level: str, log_format: str = "text", stream: TextIO | None = None) -> None:
    """Send log records at `level` and above to `stream` (stderr) in `log_format` ("text" or "json").

    Like `logging.basicConfig`, this leaves a root logger that already has handlers alone.
    """
    logging.basicConfig(level=level, handlers=[log_handler(log_format, stream or sys.stderr)])


def log_handler(log_format: str, stream: TextIO) -> logging.Handler:
    """A handler writing scrubbed records to `stream` as text or JSON lines."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else ScrubbingFormatter(TEXT_FORMAT))
    return handler


def scrub(text: str, request: RequestInfo | None) -> str:
    """`text` without Slack tokens and without what the user typed in `request`."""
    for typed in request.typed if request else ():
        if len(typed.strip()) >= TYPED_MIN_LENGTH:
            text = text.replace(typed.strip(), TYPED_REDACTED)
    return _TOKEN.sub(lambda match: f"{match.group(1)}-[redacted]", text)


class ScrubbingFormatter(logging.Formatter):
    """The standard formatter, its output scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record (with any traceback), scrubbed."""
        return scrub(super().format(record), current_request())


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the request's fields when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        request = current_request()
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage(), request),
            "pid": os.getpid(),
            "thread": record.threadName,
        }
        if request is not None:
            line["request_id"] = request.request_id
            line["workspace"] = request.workspace
            line["command"] = request.name
            line["kind"] = request.kind
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info), request)
        elif record.stack_info:
            line["stack"] = scrub(self.formatStack(record.stack_info), request)
        return json.dumps(line, ensure_ascii=False)
