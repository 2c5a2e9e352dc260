"""Feeding lines to a Playground: from a prompt, a script file, or the built-in demo."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TextIO

from bot.playground.session import HELP

INTRO = "Tally playground: the real app, a pretend Slack. Type `help`, or `quit` to leave."

DEMO = """\
# Alice (New York) and Bob (London) log their morning.
@alice /log 12 dials 3 meetings
@bob /log 40 calls, 2 mtgs #newpitch
# A typo gets a hint, and nothing is stored.
@alice /log 5 dails
# Alice logs 20 dials by mistake and presses Undo.
@alice /log 20 dials
@alice click Undo
@alice /scorecard
# Bob backdates yesterday's talk time, then checks his card.
@bob /log 45 min talk yesterday
@bob /scorecard
@alice home
"""


class LinePlayer(Protocol):
    """A playground of either front end: plays one typed line and returns what to print."""

    def run_line(self, line: str) -> list[str]: ...


def play_script(playground: LinePlayer, lines: Iterable[str], out: TextIO) -> None:
    """Play each line, echoing it (comments included) before its output."""
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        print(line if line.lstrip().startswith("#") else f"> {line}", file=out)
        for output in playground.run_line(line):
            print(output, file=out)
        out.flush()


def interact(playground: LinePlayer, stdin: TextIO, out: TextIO, *, intro: str = INTRO, help_text: str = HELP) -> None:
    """A prompt: read a line, play it, until `quit` or end of input."""
    print(intro, file=out)
    print(help_text, file=out)
    while True:
        print("tally> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in ("quit", "exit", "q"):
            print(file=out)
            return
        for output in playground.run_line(line):
            print(output, file=out)
