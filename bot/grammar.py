"""The text grammar shared by every chat front end.

`/log 12 dials 3 meetings yesterday #newpitch` and its forgiving variants (`3 mtgs, 40 calls`, `45 min talk`,
`5 dials on monday`, `7 dials 2026-11-20`) become a LogRequest; anything else becomes a UsageError whose message
says what was wrong and shows the right usage. Pure: the caller passes the workspace's metrics and the rep's
local `today`, so the same text means the same thing in Slack, Teams and the playground.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.deal_grammar import is_deal, parse_deal
from metrics import rules
from metrics.catalog import loggable, metric_names
from metrics.deal_records import DealRequest
from metrics.errors import UsageError
from metrics.periods import WEEKDAY_NAMES, most_recent_weekday
from metrics.records import LogItem, LogRequest, MetricSpec

LOG_USAGE = "Try `/log 12 dials 3 meetings`, `/log 45 min talk yesterday` or `/log 7 dials 2026-11-20 #newpitch`."
MAX_TEXT = 500
MAX_ECHO = 40
_WEEKDAYS = {name: n for n, name in enumerate(WEEKDAY_NAMES)} | {
    alias: n
    for n, names in enumerate(
        (("mon",), ("tue", "tues"), ("wed", "weds"), ("thu", "thur", "thurs"), ("fri",), ("sat",), ("sun",))
    )
    for alias in names
}
_FUTURE_WORDS = {"tomorrow", "next", "tmrw", "tmr"}
# Spelled-out quantities get a "write digits" hint rather than "unknown word".
# fmt: off
_NUMBER_WORDS = frozenset((
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "dozen",
))
# fmt: on
_TAG = re.compile(r"#([\w-]{1,40})(?=\s|$)")
_ISO_DAY = re.compile(r"(?<![\w-])(?:on\s+)?(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SEPARATORS = re.compile(r"[,;+&!]|\.(?=\s|$)|\band\b")
_INTEGER = re.compile(r"\d+", re.ASCII)
_NUMBERISH = re.compile(r"[-+]?\d*[.,]?\d+[a-z]*", re.ASCII)


@dataclass(frozen=True, slots=True)
class UndoLast:
    """`/log undo`: reverse the rep's most recent log."""


@dataclass(frozen=True, slots=True)
class OpenLogForm:
    """`/log` with no text: open the form for logging several metrics."""


LogCommand = LogRequest | UndoLast | OpenLogForm | DealRequest


def parse_log_command(text: str, *, metrics: Sequence[MetricSpec], today: date, backdate_days: int) -> LogCommand:
    """Read the text of a `/log` command.

    Args:
        text: what the user typed after the command.
        metrics: the workspace's metric catalog (names and aliases).
        today: the rep's local calendar day.
        backdate_days: how many days back a log may go.

    Returns:
        OpenLogForm for empty text, UndoLast for "undo", a DealRequest for `won|lost|opp <account> …`, else the
        LogRequest (the same metric twice is summed).

    Raises:
        UsageError: the text cannot be read; the message says why and `usage` shows the right form.
        InvalidActivity: readable, but a quantity or the day breaks the rules.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    if not cleaned:
        return OpenLogForm()
    if cleaned in ("undo", "undo last", "oops"):
        return UndoLast()
    if cleaned in ("help", "?"):
        raise UsageError("Log what you did in one line, or a deal: `/log won Acme $12,000`.", usage=LOG_USAGE)
    if is_deal(cleaned):
        return parse_deal(text.strip(), today=today, backdate_days=backdate_days)
    return parse_log(cleaned, metrics=metrics, today=today, backdate_days=backdate_days)


def parse_log(text: str, *, metrics: Sequence[MetricSpec], today: date, backdate_days: int) -> LogRequest:
    """Read `12 dials 3 meetings yesterday #tag` into a LogRequest for the resolved local day.

    Raises:
        UsageError: unreadable text.
        InvalidActivity: a quantity over a metric's cap, a future day, or a day beyond the backdating window.
    """
    if len(text) > MAX_TEXT:
        raise _usage(f"That's too long for one log ({len(text):,} characters; at most {MAX_TEXT}).")
    text = unicodedata.normalize("NFKC", text).lower()
    tags = tuple(dict.fromkeys(match.group(1) for match in _TAG.finditer(text)))
    text = _TAG.sub(" ", text)
    explicit_days = [_iso_day(match) for match in _ISO_DAY.finditer(text)]
    text = _SEPARATORS.sub(" ", _THOUSANDS.sub("", _ISO_DAY.sub(" ", text)))
    reader = _Reader(text.split(), _alias_table(loggable(tuple(metrics))))
    items, named_days = reader.read(today)
    days = explicit_days + named_days
    if len(days) > 1:
        raise _usage("Give one day per log.")
    if not items:
        raise _usage("Tell me what to log: a number and a metric.")
    day = days[0] if days else today
    rules.check_day(day, today, backdate_days)
    merged = _merge(items)
    for item in merged:
        rules.check_quantity(next(spec for spec in metrics if spec.key == item.metric_key), item.quantity)
    return LogRequest(items=merged, day=day, tags=tags)


def parse_no_arguments(text: str, *, usage: str) -> None:
    """Refuse any text for a command that takes no arguments yet."""
    if unicodedata.normalize("NFKC", text).strip():
        raise UsageError(f"This command takes no options yet (you wrote “{_echo(text)}”).", usage=usage)


class _Reader:
    """Walks the words of a log: quantities with their metric names, and day words."""

    def __init__(self, words: list[str], aliases: dict[tuple[str, ...], str]) -> None:
        self.words = words
        self.aliases = aliases
        self.longest = max((len(phrase) for phrase in aliases), default=1)
        self.position = 0

    def read(self, today: date) -> tuple[list[LogItem], list[date]]:
        items: list[LogItem] = []
        days: list[date] = []
        while self.position < len(self.words):
            word = self.words[self.position]
            if _INTEGER.fullmatch(word):
                self.position += 1
                items.append(LogItem(self._metric_after(word), int(word)))
            elif (day := self._day_word(today)) is not None:
                days.append(day)
            else:
                raise self._unreadable(word)
        return items, days

    def _metric_after(self, number: str) -> str:
        for size in range(self.longest, 0, -1):
            phrase = tuple(self.words[self.position : self.position + size])
            if len(phrase) == size and phrase in self.aliases:
                self.position += size
                return self.aliases[phrase]
        if self.position >= len(self.words):
            raise _usage(f"{number} what? Add a metric, e.g. `{number} dials`.")
        raise self._unknown_metric(self.words[self.position])

    def _day_word(self, today: date) -> date | None:
        word = self.words[self.position]
        if word == "on" and self.position + 1 < len(self.words):
            self.position += 1
            day = self._day_word(today)
            if day is None:
                self.position -= 1
            return day
        if word in _FUTURE_WORDS:
            raise _usage("You can't log activity for a future day.")
        if word in ("today", "yesterday"):
            self.position += 1
            return today if word == "today" else today - timedelta(days=1)
        if word == "last" and self.position + 1 < len(self.words) and self.words[self.position + 1] in _WEEKDAYS:
            self.position += 2
            day = most_recent_weekday(today - timedelta(days=1), _WEEKDAYS[self.words[self.position - 1]])
            return day
        if word in _WEEKDAYS:
            self.position += 1
            return most_recent_weekday(today, _WEEKDAYS[word])
        return None

    def _unreadable(self, word: str) -> UsageError:
        if word in _NUMBER_WORDS:
            return _usage(f"Write quantities as digits: “{_echo(word)}” → `12 dials`.")
        if _NUMBERISH.fullmatch(word):
            return _usage(f"“{_echo(word)}” isn't a quantity I can log: use whole numbers of 1 or more, like `12`.")
        if any(word == phrase[0] for phrase in self.aliases):
            return _usage(f"How many {_echo(word)}? Put the number first, e.g. `12 {_echo(word)}`.")
        return _usage(f"I couldn't read “{_echo(word)}”.")

    def _unknown_metric(self, word: str) -> UsageError:
        names = [" ".join(phrase) for phrase in self.aliases]
        close = difflib.get_close_matches(word, names, n=1, cutoff=0.75)
        if close:
            return _usage(f"I don't know the metric “{_echo(word)}”. Did you mean “{close[0]}”?")
        known = ", ".join(dict.fromkeys(self.aliases.values())).replace("_", " ")
        return _usage(f"I don't know the metric “{_echo(word)}”. I know: {known}.")


def _alias_table(metrics: Sequence[MetricSpec]) -> dict[tuple[str, ...], str]:
    return {tuple(name.split()): key for name, key in metric_names(list(metrics)).items()}


def _iso_day(match: re.Match[str]) -> date:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        written = _echo(match.group(0).removeprefix("on").strip())
        raise _usage(f"“{written}” isn't a real date; use YYYY-MM-DD, e.g. `2026-11-20`.") from None


def _merge(items: list[LogItem]) -> tuple[LogItem, ...]:
    totals: dict[str, int] = {}
    for item in items:
        totals[item.metric_key] = totals.get(item.metric_key, 0) + item.quantity
    return tuple(LogItem(key, quantity) for key, quantity in totals.items())


def _usage(message: str) -> UsageError:
    return UsageError(message, usage=LOG_USAGE)


def _echo(word: str) -> str:
    """A user's word, shortened, for quoting back (front ends escape it for their markup)."""
    return word if len(word) <= MAX_ECHO else word[: MAX_ECHO - 1] + "…"
