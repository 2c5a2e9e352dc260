"""Log lines: JSON when asked, naming the request (id, workspace, command) from the listener's own thread, and
never carrying a token or what the user typed."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import pytest

from bot.__main__ import main
from bot.config import ConfigError, Settings
from bot.logs import log_handler
from bot.ops.context import RequestInfo, begin_request
from bot.playground import slack_requests as requests
from bot.slack.blocks import ids
from bot.slack.observe import describe
from tests.harness import SlackHarness
from tests.ops_client import wait_until

ROOT = Path(__file__).resolve().parents[2]
TYPED = "won Acme Secret Merger 12k"
TOKEN = "xoxb-1234-5678-AbCdEf"


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    """Every record at DEBUG and above, as JSON lines in a string."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream, root
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]  # every line must be one JSON object


def test_json_lines_name_the_request_from_the_listener_thread(
    slack: SlackHarness, captured: tuple[io.StringIO, logging.Logger]
) -> None:
    stream, _ = captured
    typed = "12 dials #zebra-launch"
    reply = slack.command("/log", typed, extra_headers={"X-Request-Id": "lb-req-42"})
    assert "Logged 12 dials" in reply.text
    slack.command("/scorecard", "", extra_headers={"X-Request-Id": "not ok; has spaces"})
    wait_until(lambda: sum(line["logger"] == "bot.slack.observe" for line in lines(stream)) == 2)
    done = [line for line in lines(stream) if line["logger"] == "bot.slack.observe"]
    logged = next(line for line in done if line["command"] == "/log")
    assert logged["message"].startswith("command /log: ok in ")
    assert (logged["request_id"], logged["workspace"], logged["kind"], logged["level"]) == (
        "lb-req-42",
        slack.team_id,
        "command",
        "INFO",
    )
    assert logged["thread"].startswith("ThreadPoolExecutor")  # the listener's thread, not the request's
    assert logged["time"].endswith("Z")
    scorecard = next(line for line in done if line["command"] == "/scorecard")
    assert len(scorecard["request_id"]) == 16 and " " not in scorecard["request_id"]  # a bad id is replaced
    everything = stream.getvalue()
    assert slack.fake.bot_token not in everything and typed not in everything


def test_lines_are_scrubbed_of_tokens_and_typed_text_in_both_formats() -> None:
    def log_during_a_request(log_format: str) -> str:
        stream = io.StringIO()
        logger = logging.getLogger("tests.scrub")
        logger.addHandler(handler := log_handler(log_format, stream))
        begin_request(RequestInfo("r1", "command", "/log", "T1", 0.0, typed=(TYPED, "#launch-week")))
        try:
            raise ValueError(f"could not read {TYPED!r} with xapp-1-A0B1-9f8e7d")
        except ValueError:
            logger.exception("the user sent %s; client token %s; tags #launch-week", TYPED, TOKEN)
        logger.removeHandler(handler)
        return stream.getvalue()

    as_json = contextvars.copy_context().run(log_during_a_request, "json")
    line = json.loads(as_json)
    assert line["message"] == "the user sent [typed text]; client token xoxb-[redacted]; tags [typed text]"
    assert "ValueError: could not read '[typed text]' with xapp-[redacted]" in line["exception"]
    as_text = contextvars.copy_context().run(log_during_a_request, "text")
    assert "the user sent [typed text]; client token xoxb-[redacted]" in as_text
    for output in (as_json, as_text):
        assert TYPED not in output and TOKEN not in output and "xapp-1" not in output and "Merger" not in output
        assert "launch-week" not in output


def test_short_typed_text_is_left_alone() -> None:
    def log() -> str:
        stream = io.StringIO()
        logger = logging.getLogger("tests.scrub.short")
        logger.addHandler(handler := log_handler("json", stream))
        begin_request(RequestInfo("r2", "command", "/log", "T1", 0.0, typed=("12",)))
        logger.warning("retrying in 12 s")
        logger.removeHandler(handler)
        return str(json.loads(stream.getvalue())["message"])

    assert contextvars.copy_context().run(log) == "retrying in 12 s"


def test_tally_log_format_json_turns_every_line_into_json(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TALLY_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tally.db'}",
        "TALLY_LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "current"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    records = [json.loads(line) for line in done.stderr.splitlines()]
    assert records and all(set(record) >= {"time", "level", "logger", "message"} for record in records)
    assert any(record["logger"].startswith("alembic") for record in records)
    assert "database at revision" in done.stdout


def test_a_log_format_that_is_not_text_or_json_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match="TALLY_LOG_FORMAT='yaml'"):
        Settings.from_env({"TALLY_LOG_FORMAT": "yaml"})
    assert Settings.from_env({"TALLY_LOG_FORMAT": "JSON"}).log_format == "json"
    monkeypatch.setenv("TALLY_LOG_FORMAT", "yaml")
    assert main(["db", "current"]) == 2
    assert "TALLY_LOG_FORMAT" in capsys.readouterr().err


def test_what_was_typed_is_found_in_commands_and_forms_but_never_in_button_values() -> None:
    def body(form: str) -> dict[str, Any]:
        return dict(json.loads(parse_qs(form)["payload"][0]))

    command = dict(
        parse_qsl(requests.slash_command("/log", "won Acme 12k", user_id="U1", team_id="T1", response_url=""))
    )
    assert describe(command) == ("command", "/log", ("won Acme 12k",))
    form = {ids.TAGS_BLOCK: {ids.TAGS_INPUT: {"type": "plain_text_input", "value": "#zebra-week"}}}
    submitted = body(requests.view_submission(ids.LOG_FORM, form, user_id="U1", team_id="T1"))
    assert describe(submitted) == ("view", ids.LOG_FORM, ("#zebra-week",))
    pressed = body(
        requests.block_action(f"{ids.QUICK_LOG}:2", "dials:10", user_id="U1", team_id="T1", response_url=None)
    )
    assert describe(pressed) == ("action", ids.QUICK_LOG, ())  # numbered buttons share one metric label
