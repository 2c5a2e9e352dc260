"""The `tally` command line: database commands, configuration errors, and `tally run --http` as a real process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import ConfigError, Settings
from bot.playground import slack_requests as requests
from bot.playground.fake_slack import FakeSlack
from bot.playground.render import render_blocks

ROOT = Path(__file__).resolve().parents[2]


def test_db_commands_upgrade_report_and_downgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["db", "current"]) == 0
    assert "revision base (empty)" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert re.search(r"database at revision (\w+) \(newest: \1\)", capsys.readouterr().out)
    assert main(["db", "downgrade", "base"]) == 0
    assert "base (empty)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "env", "names"),
    [
        (["run"], {}, ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]),
        (["run", "--http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, ["SLACK_SIGNING_SECRET"]),
        (
            ["db", "current"],
            {"TALLY_TIMEZONE": "Mars/Olympus", "TALLY_WEEK_START": "someday"},
            ["TALLY_TIMEZONE='Mars/Olympus'", "TALLY_WEEK_START='someday'"],
        ),
    ],
)
def test_configuration_problems_are_named_all_at_once(
    argv: list[str],
    env: dict[str, str],
    names: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("tally: configuration problem:")
    for name in names:
        assert name in error


def test_settings_read_every_variable() -> None:
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_APP_TOKEN": "xapp-1",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "DATABASE_URL": "sqlite:///x.db",
            "TALLY_TIMEZONE": "Asia/Dubai",
            "TALLY_WEEK_START": "Sunday",
            "TALLY_BACKDATE_DAYS": "14",
            "TALLY_LOG_LEVEL": "debug",
        }
    )
    assert (settings.bot_token, settings.app_token, settings.signing_secret) == ("xoxb-1", "xapp-1", "s")
    assert (settings.slack_api_url, settings.database_url, settings.log_level) == (
        "http://127.0.0.1:9/api/",
        "sqlite:///x.db",
        "DEBUG",
    )
    defaults = settings.workspace_defaults
    assert (defaults.timezone, defaults.week_start, defaults.backdate_days) == ("Asia/Dubai", 6, 14)
    assert Settings.from_env({}).slack_api_url == "https://slack.com/api/"
    with pytest.raises(ConfigError, match="TALLY_BACKDATE_DAYS"):
        Settings.from_env({"TALLY_BACKDATE_DAYS": "-1"})


@pytest.fixture
def served(database_url: str, fake_slack: FakeSlack) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m bot run --http --port 0` as a real process, pointed at the fake Slack."""
    env = os.environ | {
        "SLACK_BOT_TOKEN": fake_slack.bot_token,
        "SLACK_SIGNING_SECRET": "cli-secret",
        "SLACK_API_URL": fake_slack.base_url,
        "DATABASE_URL": database_url,
        "TALLY_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--http", "--host", "127.0.0.1", "--port", "0", "--no-scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://\S+/slack/events", line)
    assert match, f"no listening line; stderr: {process.stderr.read() if process.stderr else ''}"
    yield process, match.group(0)
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.slow
def test_tally_run_http_answers_signed_log_and_scorecard(
    served: tuple[subprocess.Popen[str], str], fake_slack: FakeSlack
) -> None:
    process, url = served
    fake_slack.add_user("UERIN", "Erin", "America/Los_Angeles")
    poster = requests.SignedPoster(url, "cli-secret")
    texts = []
    for command, text in [("/log", "12 dials 3 meetings"), ("/log", "20 dials"), ("/log", "undo"), ("/scorecard", "")]:
        response_url = fake_slack.new_response_url()
        body = requests.slash_command(
            command, text, user_id="UERIN", team_id=fake_slack.team_id, response_url=response_url
        )
        assert poster.post(body, requests.FORM).status == 200
        path = response_url.removeprefix(fake_slack.root_url)
        calls = fake_slack.wait_for(lambda calls, path=path: any(call.path == path for call in calls), timeout=10)
        message = next(call for call in calls if call.path == path)
        texts.append("\n".join(render_blocks(message.json_param("blocks"))))
    assert "Logged 12 dials and 3 meetings" in texts[0] and "Undone: 20 dials" in texts[2]
    assert "Scorecard · Erin" in texts[3] and "America/Los_Angeles" in texts[3]
    assert "Dials — 12 · 12 pts" in texts[3] and "Meetings — 3 · 30 pts" in texts[3]
    assert poster.post(body, requests.FORM, signature="v0=" + "1" * 64).status == 401
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
