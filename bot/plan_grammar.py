"""The /plan grammar: `$5M year [deal 100k] [win 25%] [opp 30%] [meet 40%] [conv 20%] [team|everyone|me]`, or
`apply`. A mentioned rep (found by the front end) plans for that rep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NoReturn

from bot.period_grammar import WINDOW_WORDS
from metrics.deal_records import Audience
from metrics.errors import UsageError
from metrics.services.planning import PlanInput

PLAN_USAGE = (
    "Try `/plan $5M year`, `/plan $1.2M quarter team`, `/plan $400k month @bob`, or with your own rates "
    "`/plan $5M year deal 100k win 25% opp 30% meet 40% conv 20%`; then `/plan apply` sets daily targets."
)
_MONEY = re.compile(r"^\$?(\d+(?:\.\d+)?)([km]?)$", re.IGNORECASE | re.ASCII)
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_RATE_WORDS = {
    "opp": "opportunities",
    "opps": "opportunities",
    "meet": "meetings",
    "meetings": "meetings",
    "conv": "conversations",
    "convs": "conversations",
}
_AUDIENCES = {"team": Audience.TEAM, "everyone": Audience.EVERYONE, "me": Audience.ME}


@dataclass(frozen=True, slots=True)
class ApplyPlan:
    """`/plan apply`."""


def parse_plan(text: str, *, mentioned: bool) -> PlanInput | ApplyPlan:
    """Read /plan's words.

    Raises:
        UsageError: no amount or period, or words it does not know.
    """
    tokens = text.lower().replace(",", "").split()
    if tokens == ["apply"]:
        return ApplyPlan()
    if len(tokens) < 2:
        _refuse("Give a revenue target and a period, e.g. `/plan $5M year`.")
    target = _money(tokens[0])
    if tokens[1] not in WINDOW_WORDS:
        _refuse(f"“{tokens[1][:20]}” isn't a period; use week, month, quarter or year.")
    audience = Audience.REP if mentioned else Audience.TEAM
    deal_size: Decimal | None = None
    win_rate: Decimal | None = None
    rates: dict[str, Decimal] = {}
    rest = iter(tokens[2:])
    for word in rest:
        if word in _AUDIENCES and not mentioned:
            audience = _AUDIENCES[word]
        elif word == "deal":
            deal_size = _money(next(rest, ""))
        elif word == "win":
            win_rate = _percent(next(rest, ""))
        elif word in _RATE_WORDS:
            rates[_RATE_WORDS[word]] = _percent(next(rest, ""))
        else:
            _refuse(f"I couldn't read “{word[:30]}” in that plan.")
    return PlanInput(
        revenue_target=target,
        period_kind=WINDOW_WORDS[tokens[1]],
        audience=audience,
        deal_size=deal_size,
        win_rate=win_rate,
        rates=rates,
    )


def _money(word: str) -> Decimal:
    match = _MONEY.match(word)
    if match is None or Decimal(match.group(1)) <= 0:
        _refuse(f"“{word[:30]}” isn't an amount; write it like `$5M`, `750k` or `120000`.")
    return Decimal(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]


def _percent(word: str) -> Decimal:
    match = _PERCENT.match(word)
    if match is None or not 0 < Decimal(match.group(1)) <= 100:
        _refuse(f"“{word[:30]}” isn't a rate; write it like `25%`.")
    return Decimal(match.group(1)) / 100


def _refuse(message: str) -> NoReturn:
    raise UsageError(message, usage=PLAN_USAGE)
