"""`tally run --teams` as a real process: it refuses to start unregistered unless anonymous, and serves."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.playground.fake_bot_connector import FakeBotConnector
from tests.msteams.conftest import PEOPLE, TENANT

ROOT = Path(__file__).resolve().parents[2]


def tally(*argv: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *argv],
        cwd=ROOT,
        env=os.environ | {"TALLY_LOG_LEVEL": "WARNING"} | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_run_teams_without_a_registration_refuses_to_start(tmp_path: Path) -> None:
    process = tally("run", "--teams", "--no-scheduler", env={"DATABASE_URL": f"sqlite:///{tmp_path}/t.db"})
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "MICROSOFT_APP_ID" in err


@pytest.mark.slow
def test_run_teams_anonymous_serves_activities_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = tally(
        "run", "--teams", "--anonymous", "--host", "127.0.0.1", "--port", "0", "--no-scheduler",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/t.db"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        match = re.search(r"http://\S+/api/messages", process.stdout.readline())
        assert match, process.stderr.read() if process.stderr else ""
        with FakeBotConnector() as connector:
            user_id, aad, name, zone = PEOPLE["ana"]
            activity = {
                "type": "message", "id": "cli-1", "text": "log 3 meetings", "channelId": "msteams",
                "serviceUrl": connector.service_url, "from": {"id": user_id, "aadObjectId": aad, "name": name},
                "recipient": {"id": "28:tally"}, "localTimezone": zone, "channelData": {"tenant": {"id": TENANT}},
                "conversation": {"id": "a:cli", "conversationType": "personal", "tenantId": TENANT},
            }  # fmt: skip
            request = urllib.request.Request(
                match.group(0), json.dumps(activity).encode(), {"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 202
            (reply,) = connector.sent()
        assert "3 meetings" in reply["summary"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
