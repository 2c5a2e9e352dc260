"""The playground: the README's no-account command, in-process and as the real `tally playground` process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.repl import DEMO
from bot.playground.session import Playground
from tests.factories import entry_count

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def playground(sessions: sessionmaker[Session]) -> Iterator[Playground]:
    with Playground(sessions=sessions) as started:
        yield started


def play(playground: Playground, *lines: str) -> str:
    return "\n".join(output for line in lines for output in playground.run_line(line))


def test_the_demo_logs_refuses_undoes_and_shows_scorecards(playground: Playground) -> None:
    transcript = play(playground, *DEMO.splitlines())
    assert "only alice sees this" in transcript
    assert "✅ Logged 12 dials and 3 meetings for today" in transcript
    assert "I don't know the metric “dails”. Did you mean “dials”?" in transcript
    assert "Undone: 20 dials" in transcript
    assert "Scorecard · Alice · this week" in transcript and "Dials — 12 · 12 pts" in transcript
    assert "Scorecard · Bob" in transcript and "Talk minutes — 45 · 0 pts" in transcript
    assert "alice's App Home" in transcript and "[Log activity]" in transcript


def test_the_form_can_be_filled_in_the_playground(playground: Playground, sessions: sessionmaker[Session]) -> None:
    transcript = play(playground, "@carol /log", "@carol submit dials=7 meetings=1 tags=#webinar")
    assert "form “Log activity” opened for carol" in transcript
    assert "DM to carol" in transcript and "Logged 7 dials and 1 meeting" in transcript
    assert entry_count(sessions) == 2
    assert "no form open" in play(playground, "@carol submit dials=1")


def test_playground_lines_it_cannot_play_get_a_hint(playground: Playground) -> None:
    assert "Start with a user" in play(playground, "/log 12 dials")
    assert "no [Undo] button" in play(playground, "@zed click Undo")
    assert "Type as a user" in play(playground, "help")
    assert play(playground, "# a comment", "   ") == ""


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "playground", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_tally_playground_with_no_terminal_plays_the_demo() -> None:
    result = run_cli()
    assert result.returncode == 0, result.stderr
    assert "> @alice /log 12 dials 3 meetings" in result.stdout
    assert "Scorecard · Alice" in result.stdout and "Undone: 20 dials" in result.stdout
    assert result.stderr == ""


@pytest.mark.slow
def test_tally_playground_plays_a_script(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text("# two logs and a card\n@dave /log 4 demos\n@dave /log 2 opps yesterday\n@dave /scorecard\n")
    result = run_cli("--script", str(script))
    assert result.returncode == 0, result.stderr
    assert "# two logs and a card" in result.stdout
    assert "Logged 4 meetings" in result.stdout and "Logged 2 opportunities for yesterday" in result.stdout
    assert "Scorecard · Dave" in result.stdout and "Asia/Tokyo" in result.stdout


def test_scheduled_jobs_run_as_if_at_a_time_and_their_buttons_work(playground: Playground) -> None:
    transcript = play(
        playground,
        "@alice /tally setup",
        "@alice /tally team create Sales #sales",
        "@alice /tally team add @bob",
        "run nudges at 2026-11-30T08:30-05:00",
        "run nudges at 2026-11-30T08:35-05:00",
        "@bob click +10 dials",
        "run standings at 2026-11-30T17:00-05:00",
        "run nudges at someday",
    )
    assert "(nudges as if at 2026-11-30 08:30 UTC-05:00: 1 planned, 1 sent)" in transcript
    assert "DM to bob" in transcript and "Good morning, Bob" in transcript
    assert "0 planned, 0 sent" in transcript  # the same morning again: nothing twice
    assert "✅ Logged 10 dials" in transcript and "posted in <#CSALES>" in transcript
    assert "“someday” isn't a time" in transcript
