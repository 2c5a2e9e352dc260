"""Parsing the values found in CRM exports: dates, money, whole numbers, yes/no, stages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from metrics.deal_records import Stage

# Tried in order when no --date-format is given: ISO first, then Salesforce's US export, then European dots.
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d")
_TIME_SUFFIX = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_MONEY = re.compile(r"^\(?-?[$€£]?\s*-?[\d,]*\.?\d+\)?$")
WON_NAMES = frozenset({"won", "closed won", "closed-won", "closedwon", "win"})
LOST_NAMES = frozenset({"lost", "closed lost", "closed-lost", "closedlost", "loss"})
MAX_AMOUNT = Decimal("100000000000")  # 100 billion, as for amounts logged in chat
TRUE_NAMES = frozenset({"true", "yes", "y", "1", "t"})
FALSE_NAMES = frozenset({"false", "no", "n", "0", "f", ""})


class BadValue(ValueError):
    """A value that could not be read; the message says which and why, for the import report."""


def parse_date(raw: str, date_format: str | None = None) -> date | None:
    """A date in any of DATE_FORMATS (a time part is ignored), or `date_format`; empty → None."""
    text = _TIME_SUFFIX.sub("", raw.strip())
    if not text:
        return None
    for pattern in (date_format,) if date_format else DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BadValue(f"unreadable date {raw.strip()!r}")


def parse_money(raw: str, *, allow_zero: bool = True) -> Decimal | None:
    """An amount like 1054, 1,054.50, $1,054 or €12; empty → None; negative → BadValue."""
    text = raw.strip().replace(" ", "")
    if not text:
        return None
    if not _MONEY.match(text):
        raise BadValue(f"unreadable amount {raw.strip()!r}")
    if text.startswith(("-", "(")) or "-" in text:
        raise BadValue(f"negative amount {raw.strip()!r}")
    try:
        value = Decimal(re.sub(r"[^\d.]", "", text))
    except InvalidOperation:
        raise BadValue(f"unreadable amount {raw.strip()!r}") from None
    if value == 0 and not allow_zero:
        raise BadValue("an amount of 0")
    if value >= MAX_AMOUNT:
        raise BadValue(f"an amount of {value:,} is more than Tally accepts")
    return value.quantize(Decimal("0.01"))


def parse_count(raw: str, what: str, limit: int = 1_000_000) -> int | None:
    """A whole number from 0 to `limit` (thousands separators allowed); empty → None."""
    text = raw.strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise BadValue(f"{what} must be a whole number, not {raw.strip()!r}")
    if int(text) > limit:
        raise BadValue(f"{what} of {int(text):,} is more than {limit:,}")
    return int(text)


def parse_flag(raw: str, what: str) -> bool:
    """TRUE/FALSE, yes/no, 1/0 (empty is False)."""
    text = raw.strip().lower()
    if text in TRUE_NAMES:
        return True
    if text in FALSE_NAMES:
        return False
    raise BadValue(f"{what} must be true or false, not {raw.strip()!r}")


def stage_of(raw: str, won: Iterable[str] = (), lost: Iterable[str] = ()) -> Stage:
    """Map a CRM stage name, case-insensitively: "Won"/"Closed Won" → won, "Lost"/"Closed Lost" → lost, else open.

    `won` and `lost` add a CRM's own names (e.g. "Signed", "Churned").
    """
    name = " ".join(raw.lower().split())
    if name in WON_NAMES or name in {" ".join(n.lower().split()) for n in won}:
        return Stage.WON
    if name in LOST_NAMES or name in {" ".join(n.lower().split()) for n in lost}:
        return Stage.LOST
    return Stage.OPEN


NAME_LENGTH = 200


def fold(text: str) -> str:
    """The matching key of a name: lower case, single spaces, at most the 200 characters a name column holds
    (so a stored key and a looked-up key always agree, however long the name)."""
    return " ".join(text.lower().split())[:NAME_LENGTH]


def tidy(text: str) -> str:
    """A name as stored: single spaces, at most 200 characters."""
    return " ".join(text.split())[:NAME_LENGTH]
