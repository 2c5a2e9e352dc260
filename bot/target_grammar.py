"""The /target grammar.

    /target @bob 50 dials daily          /target @bob $120k revenue quarter     /target team [NAME] 200 meetings month
    /target me 60 dials daily            /target list [@bob]                    /target clear @bob [dials] [daily]
    /target @new 50 % ramp until 2027-01-31                                     /target suggest @bob dials

Mentions are found by the front end; this reads the words around them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from bot.period_grammar import WINDOW_WORDS
from metrics.catalog import metric_names
from metrics.errors import UsageError
from metrics.periods import PeriodKind
from metrics.records import MetricSpec
from metrics.services.targets import Subject

TARGET_USAGE = (
    "Try `/target @bob 50 dials daily`, `/target @bob $120k revenue quarter`, `/target team 200 meetings month`, "
    "`/target me 60 dials daily`, `/target list`, `/target clear @bob dials`, `/target @new 50 % ramp until "
    "2027-01-31` or `/target suggest @bob dials`."
)
_AMOUNT = re.compile(r"^\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([km])?$", re.IGNORECASE | re.ASCII)
_RAMP = re.compile(r"^(\d{1,3})\s*%?\s*ramp\s+until\s+(\d{4}-\d{1,2}-\d{1,2})$")


@dataclass(frozen=True, slots=True)
class SetTarget:
    subject: Subject
    amount: Decimal
    metric_key: str
    period: PeriodKind
    team_name: str | None = None


@dataclass(frozen=True, slots=True)
class ClearTargets:
    subject: Subject
    metric_key: str | None
    period: PeriodKind | None
    team_name: str | None = None
    team_words: str | None = None  # all the words after `team`: a team may be called "Inside Sales"


@dataclass(frozen=True, slots=True)
class ListTargets:
    pass


@dataclass(frozen=True, slots=True)
class SetRamp:
    percent: Decimal
    until: date


@dataclass(frozen=True, slots=True)
class SuggestTarget:
    metric_key: str


TargetCommand = SetTarget | ClearTargets | ListTargets | SetRamp | SuggestTarget


def parse_target(text: str, *, metrics: Sequence[MetricSpec], mentioned: bool) -> TargetCommand:
    """Read /target's words (mentions taken out; `mentioned` says whether there was one).

    Raises:
        UsageError: anything else, with the usage.
    """
    words = " ".join(text.split()).lower()
    first, _, rest = words.partition(" ")
    if first == "list":
        return ListTargets()
    if first == "suggest":
        return SuggestTarget(
            _metric(rest, metrics) if mentioned else _refuse("Suggest for whom? `/target suggest @bob dials`.")
        )
    if first == "clear":
        return _clear(rest, metrics, mentioned)
    if ramp := _RAMP.match(words):
        if not mentioned:
            _refuse("Whose ramp? `/target @new 50 % ramp until 2027-01-31`.")
        return SetRamp(Decimal(ramp.group(1)) / 100, _date(ramp.group(2)))
    subject, team_name, words = _subject(words, mentioned)
    amount_word, _, rest = words.partition(" ")
    metric_words, period = _split_period(rest)
    if period is None:
        _refuse("For which period? Add daily, weekly, monthly, quarterly or yearly.")
    return SetTarget(subject, _amount(amount_word), _metric(metric_words, metrics), period, team_name)


def _subject(words: str, mentioned: bool) -> tuple[Subject, str | None, str]:
    first, _, rest = words.partition(" ")
    if first == "me":
        return Subject.ME, None, rest
    if first == "team":
        tokens = rest.split()
        at = next((n for n, token in enumerate(tokens) if _AMOUNT.match(token)), len(tokens))
        return Subject.TEAM, " ".join(tokens[:at]) or None, " ".join(tokens[at:])
    if mentioned:
        return Subject.REP, None, words
    _refuse("Whose target? Mention them, or say `me` or `team`.")


def _clear(words: str, metrics: Sequence[MetricSpec], mentioned: bool) -> ClearTargets:
    subject = Subject.REP if mentioned else Subject.ME
    first, _, rest = words.partition(" ")
    if first in ("me", "team"):
        subject, words = (Subject.ME if first == "me" else Subject.TEAM), rest
    metric_words, period = _split_period(words)
    if subject is not Subject.TEAM:
        return ClearTargets(subject, _metric(metric_words, metrics) if metric_words else None, period)
    team_name, metric_key = _team_and_metric(metric_words, metrics)
    return ClearTargets(subject, metric_key, period, team_name, metric_words or None)


def _team_and_metric(words: str, metrics: Sequence[MetricSpec]) -> tuple[str | None, str | None]:
    """ "inside sales meetings" → ("inside sales", "meetings"): the longest metric name at the end, and the rest."""
    names, tokens = metric_names(list(metrics)), words.split()
    for size in range(min(3, len(tokens)), 0, -1):
        key = names.get(" ".join(tokens[-size:]))
        if key is not None:
            return " ".join(tokens[:-size]) or None, key
    return words or None, None


def _split_period(words: str) -> tuple[str, PeriodKind | None]:
    tokens = words.split()
    for size in (2, 1):
        tail = " ".join(tokens[-size:])
        if len(tokens) >= size and tail in WINDOW_WORDS:
            return " ".join(tokens[:-size]), WINDOW_WORDS[tail]
    return words, None


def _amount(word: str) -> Decimal:
    match = _AMOUNT.match(word)
    if match is None:
        _refuse(f"“{word[:40]}” isn't an amount; write it like `50`, `$120k` or `1.5m`.")
    try:
        value = Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
    except InvalidOperation:  # pragma: no cover - the pattern lets only digits through
        _refuse(f"“{word}” isn't an amount.")
    return value * {"": 1, "k": 1_000, "m": 1_000_000}[(match.group(3) or "").lower()]


def _metric(words: str, metrics: Sequence[MetricSpec]) -> str:
    names = metric_names(list(metrics))
    key = names.get(" ".join(words.split()))
    if key is None:
        _refuse(f"I don't know the metric “{words[:40]}”.")
    return key


def _date(text: str) -> date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        _refuse(f"“{text}” isn't a real date.")


def _refuse(message: str) -> NoReturn:
    raise UsageError(message, usage=TARGET_USAGE)
