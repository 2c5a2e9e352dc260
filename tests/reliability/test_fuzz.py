"""Issue 8, item 2: generated text for /log, /target, /plan, /standings and /tally through the real app.

Each example is what Slack would send for something typed: random Unicode, numbers at and past the edges, huge
strings, SQL, and Slack markup (`<!channel>`, `<@U123>`, links) both as Slack escapes typed text and as the markup
it sends for a real mention. For each, the same text is also given to the command's grammar (bot/*grammar.py):
- the HTTP answer is 200 and the reply is never the "something went wrong" failure;
- text the grammar refuses gets a refusal (⚠️) and changes no row of any table;
- no reply carries `<!channel>`, `<!here>`, `<!everyone>`, a link, or a mention of anyone but the people Slack
  itself marked up in the request (or the office's own members).

Examples: TALLY_RELIABILITY_FUZZ_EXAMPLES per command and backend: 100 by default (1,000 in all, to keep CI short);
1,000 gives the issue's 10,000 (5 commands × 2 backends). Hypothesis is derandomized: each run tries the same texts.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.admin_grammar import parse_tally
from bot.grammar import OpenLogForm, parse_log_command
from bot.plan_grammar import parse_plan
from bot.slack.blocks.replies import SOMETHING_WENT_WRONG
from bot.slack.text import CommandText, escape_like_slack, read_command_text
from bot.standings_grammar import parse_standings
from bot.target_grammar import parse_target
from metrics.errors import DomainError
from metrics.records import RepContext
from tests.factories import T0, make_office
from tests.harness import SlackHarness
from tests.reliability.state import DELIVERY_RECORDS, database_state

NOW = T0  # the harness clock's instant; Dee is in New York
TODAY = T0.astimezone(ZoneInfo("America/New_York")).date()
EXAMPLES = int(os.environ.get("TALLY_RELIABILITY_FUZZ_EXAMPLES", "100"))
ACTOR = "UDEE"  # manages East (Bob, Cy): /target and /plan on them are allowed, so accepted text really writes
OFFICE_USERS = {f"U{name.upper()}" for name in ("Ann", "Dee", "Bob", "Cy", "Eve", "Fay")}
OFFICE_CHANNELS = {"CEAST", "CWEST"}
MARKUP = re.compile(r"<([^<>]*)>")

WORDS = {
    "/log": ["dials", "dial", "meetings", "mtgs", "min", "talk", "emails", "opps", "won", "lost", "opp", "undo",
             "yesterday", "today", "on", "monday", "next", "week", "#tag", "cost", "$", "k", "Acme", "2026-11-20",
             "2026-02-30", "9999-12-31", "and", ","],
    "/target": ["me", "list", "clear", "suggest", "dials", "meetings", "daily", "weekly", "monthly", "quarterly",
                "%", "ramp", "until", "2027-01-31", "team", "East", "points", "$", "revenue", "pts"],
    "/plan": ["apply", "year", "quarter", "month", "deal", "win", "%", "$5M", "$1k", "team", "everyone", "10k",
              "$0", "$-5", "1e308", "rates"],
    "/standings": ["score", "points", "dials", "today", "week", "month", "quarter", "team", "East", "West", "post"],
    "/tally": ["help", "setup", "audit", "teams", "team", "create", "add", "to", "role", "manager", "of", "rep",
               "admin", "weights", "meetings=10", "dials=0", "visibility", "managers", "settings", "timezone",
               "Europe/London", "Mars/Olympus", "workweek", "sun-thu", "holidays", "US", "schedule", "standings",
               "17:00", "25:99", "me", "pto", "2026-12-24..2026-12-31", "list", "cancel", "mute", "until", "monday",
               "unmute", "privacy", "hide", "show", "export", "entries", "forget", "East", "#north"],
}  # fmt: skip
INJECTIONS = ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S123>", "<@U123>", "<@U0BOSS|boss>", "<@UBOB|bob>",
              "<#C0SECRET|secret>", "<https://evil.example|click>", "<mailto:a@b.example|mail>", "@channel",
              "'; DROP TABLE entry; --", "1 OR 1=1", "*bold*", "~strike~", "`code`", "```block```", "&amp;",
              "&lt;!channel&gt;", "\x00", "\u202e", "\u200b", "𝟙𝟚", "１２", "١٢", "½", "NaN", "inf", "-0",
              "1e9", "0x10"]  # fmt: skip
EDGE_NUMBERS = st.sampled_from([0, 1, 40, 41, 499, 500, 501, 2**31 - 1, 2**31, 2**63, 10**30, -1, -(2**63)])
HUGE = st.sampled_from([400, 501, 4000, 40_000]).map(lambda n: "9" * n if n % 2 else "dials " * (n // 6))


def token(command: str) -> st.SearchStrategy[str]:
    numbers = st.one_of(EDGE_NUMBERS, st.integers(-(10**6), 10**6)).map(str)
    money = st.decimals(allow_nan=False, allow_infinity=False, places=2).map(lambda d: f"${d}")
    return st.one_of(st.sampled_from(WORDS[command]), numbers, money, st.sampled_from(INJECTIONS), st.text(max_size=12))


def typed_text(command: str) -> st.SearchStrategy[str]:
    """What Slack sends: typed words escaped, except markup Slack itself wrote for a mention or link."""
    word = token(command).map(lambda w: w if MARKUP.fullmatch(w) else escape_like_slack(w))
    line = st.lists(word, max_size=8).map(" ".join)
    return st.one_of(line, line, line, HUGE, st.text(max_size=300).map(escape_like_slack))


Grammar = Callable[[CommandText, RepContext], object]
GRAMMARS: dict[str, Grammar] = {
    "/log": lambda w, rep: parse_log_command(w.text, metrics=rep.metrics, today=TODAY, backdate_days=400),
    "/target": lambda w, rep: parse_target(w.text, metrics=rep.metrics, mentioned=bool(w.mentions)),
    "/plan": lambda w, rep: parse_plan(w.text, mentioned=bool(w.mentions)),
    "/standings": lambda w, rep: parse_standings(w.text, rep.metrics),
    "/tally": lambda w, rep: parse_tally(w.text, today=TODAY, now=NOW, tz="America/New_York"),
}


def accepts(command: str, raw: str, rep: RepContext) -> object | None:
    """What the grammar reads from the text, or None if it refuses it."""
    try:
        return GRAMMARS[command](read_command_text(raw), rep)
    except DomainError:  # a UsageError, or a rule the grammar applies (InvalidActivity)
        return None


def live_markup(message: dict[str, Any] | None, words: CommandText) -> list[str]:
    """Every `<…>` in the reply that Slack would render live and that the request did not itself carry."""
    mentions, channels = OFFICE_USERS | set(words.mentions), OFFICE_CHANNELS | set(words.channels)
    found = []
    for inner in MARKUP.findall(json.dumps(message, ensure_ascii=False)):
        target = inner.split("|", 1)[0]
        if (target[:1] == "@" and target[1:] in mentions) or (target[:1] == "#" and target[1:] in channels):
            continue
        found.append(f"<{inner}>")
    return found


@pytest.fixture
def office(slack: SlackHarness) -> dict[str, RepContext]:
    people = make_office(slack.sessions, team=slack.team_id)
    for name in people:
        slack.add_user(f"U{name.upper()}", name, "America/New_York")
    return people


def check(slack: SlackHarness, rep: RepContext, command: str, raw: str) -> None:
    read = accepts(command, raw, rep)
    if isinstance(read, OpenLogForm):
        return  # `/log` with nothing to log opens the form: there is no reply to read (tests/bot cover the form)
    before = database_state(slack.sessions, ignore=DELIVERY_RECORDS)
    reply = slack.command(command, raw, user=ACTOR)
    assert reply.http.status == 200, (raw, reply.http)
    assert SOMETHING_WENT_WRONG not in reply.text, raw
    if read is None:
        assert reply.text.startswith("⚠️"), (raw, reply.text)
        assert database_state(slack.sessions, ignore=DELIVERY_RECORDS) == before, raw
    assert live_markup(reply.message, read_command_text(raw)) == [], (raw, reply.message)


FUZZ = settings(
    max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("command", list(GRAMMARS))
def test_generated_text_is_answered_safely(slack: SlackHarness, office: dict[str, RepContext], command: str) -> None:
    rep = office["Dee"]

    @FUZZ
    @given(raw=typed_text(command))
    def one(raw: str) -> None:
        check(slack, rep, command, raw)

    one()
