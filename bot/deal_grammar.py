"""The deal half of the /log grammar: `won Acme $12,000`, `won Acme 12k cost 4k`, `opp Acme $30k`, `lost Acme`.

The first word after the verb always belongs to the account name (so `won 3M $5k` is the account 3M); the
name runs until an amount, `cost`, or a day word. Amounts take `$`, thousands separators and k/m suffixes.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from metrics import rules
from metrics.deal_records import DealAction, DealRequest
from metrics.errors import UsageError
from metrics.periods import WEEKDAY_NAMES, most_recent_weekday

DEAL_USAGE = "Try `/log won Acme $12,000`, `/log won Acme 12k cost 4k`, `/log opp Acme $30k` or `/log lost Acme`."
VERBS = {
    "won": DealAction.WON,
    "win": DealAction.WON,
    "closed": DealAction.WON,
    "lost": DealAction.LOST,
    "lose": DealAction.LOST,
    "opp": DealAction.OPEN,
    "opportunity": DealAction.OPEN,
    "new": DealAction.OPEN,
}
_MONEY = re.compile(r"^\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?([km])?$", re.IGNORECASE | re.ASCII)
_OTHER_CURRENCY = re.compile(r"^[€£¥₹]|\d(eur|gbp|usd)$", re.IGNORECASE)
_FILLERS = {"for", "at", "worth", "of", "with", "deal", "on"}
_DAYS = {name: n for n, name in enumerate(WEEKDAY_NAMES)} | {name[:3]: n for n, name in enumerate(WEEKDAY_NAMES)}
_ISO_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_NEGATIVE = re.compile(r"^-[$€£]?\d")


def is_deal(text: str) -> bool:
    """True when the text starts with a deal verb (won, lost, opp, …)."""
    words = unicodedata.normalize("NFKC", text).lower().split()
    return bool(words) and words[0] in VERBS


def parse_deal(text: str, *, today: date, backdate_days: int) -> DealRequest:
    """Read `won Acme $12,000 cost 4k yesterday` into a DealRequest.

    Raises:
        UsageError: no account, an unreadable amount, or words after the amount that mean nothing here.
        InvalidActivity: a future day or one beyond the backdating window.
    """
    words = unicodedata.normalize("NFKC", text).split()
    verb = words[0].lower()
    rest = words[1:]
    if verb == "new" and rest[:1] and rest[0].lower() in ("opp", "opportunity", "deal"):
        rest = rest[1:]
    if verb == "closed" and rest[:1] and rest[0].lower() in ("won", "lost"):
        verb, rest = rest[0].lower(), rest[1:]
    account, rest = _account(rest, verb)
    amount, cost, day = _details(rest, today)
    rules.check_day(day, today, backdate_days)
    rules.check_money(amount, "amount")
    rules.check_money(cost, "cost")
    return DealRequest(action=VERBS[verb], account=account, day=day, amount=amount, cost=cost)


def _account(words: list[str], verb: str) -> tuple[str, list[str]]:
    taken: list[str] = []
    for index, word in enumerate(words):
        lowered = word.lower()
        if _NEGATIVE.match(word):
            raise UsageError("Amounts must be more than 0.", usage=DEAL_USAGE)
        if not taken and word[:1] in "$€£¥₹":
            break  # an amount where the account should be
        ends_name = (
            bool(_MONEY.match(word) or _OTHER_CURRENCY.search(word))
            or lowered in ("cost", "costs")
            or _is_day_word(lowered)
        )
        if taken and (ends_name or lowered in _FILLERS):
            return " ".join(taken), words[index:]
        taken.append(word)
    if not taken:
        raise UsageError(f"Which account? e.g. `/log {verb} Acme`.", usage=DEAL_USAGE)
    return " ".join(taken), []


def _details(words: list[str], today: date) -> tuple[Decimal | None, Decimal | None, date]:
    amount: Decimal | None = None
    cost: Decimal | None = None
    day = today
    position = 0
    while position < len(words):
        word = words[position].lower()
        if word in _FILLERS:
            position += 1
        elif word in ("cost", "costs"):
            if position + 1 >= len(words):
                raise UsageError("Cost how much? e.g. `cost 4k`.", usage=DEAL_USAGE)
            cost = _money(words[position + 1])
            position += 2
        elif _MONEY.match(word) and amount is None:
            amount = _money(word)
            position += 1
        elif _is_day_word(word):
            day = _day(word, today)
            position += 1
        elif _NEGATIVE.match(word):
            raise UsageError("Amounts must be more than 0.", usage=DEAL_USAGE)
        elif _OTHER_CURRENCY.search(word):
            raise UsageError(
                f"Tally keeps money in one currency: write “{word[:40]}” as a plain amount, e.g. `12k`.",
                usage=DEAL_USAGE,
            )
        else:
            raise UsageError(f"I couldn't read “{words[position][:40]}” in that deal.", usage=DEAL_USAGE)
    return amount, cost, day


def _money(word: str) -> Decimal:
    match = _MONEY.match(word)
    if match is None:
        raise UsageError(f"“{word[:40]}” isn't an amount; write it like `$12,000` or `12k`.", usage=DEAL_USAGE)
    digits, cents, suffix = match.group(1).replace(",", ""), match.group(2) or "", (match.group(3) or "").lower()
    try:
        value = Decimal(digits + cents)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise UsageError(f"“{word}” isn't an amount.", usage=DEAL_USAGE) from None
    return (value * {"": 1, "k": 1_000, "m": 1_000_000}[suffix]).quantize(Decimal("0.01"))


def _is_day_word(word: str) -> bool:
    return word in ("today", "yesterday") or word in _DAYS or bool(_ISO_DAY.match(word))


def _day(word: str, today: date) -> date:
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if word in _DAYS:
        return most_recent_weekday(today, _DAYS[word])
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in word.split("-")))
    except ValueError:
        raise UsageError(f"“{word}” isn't a real date; use YYYY-MM-DD.", usage=DEAL_USAGE) from None
