"""Plain-text wording of numbers, days and lists, shared by the front ends and the scheduled messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal


def points(value: Decimal) -> str:
    """`Decimal('42.00')` → "42 pts"; keeps decimals only where they mean something."""
    number = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{number:,} pts"


def percent(fraction: Decimal | None) -> str:
    """`Decimal('0.9')` → "90 %"; None → "no data"."""
    if fraction is None:
        return "no data"
    return f"{(fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP):,} %"  # 62.5 % shows as 63 %


def quantity(value: Decimal | int) -> str:
    """A count or target with thousands separators and no needless decimals."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,}"


def target(value: Decimal) -> str:
    """A prorated target or gap, to one decimal where it has one: 7.5 → "7.5", 150.0004 → "150".

    A weekly 10 over 3 of 4 working days is 7.5; showing it as "8" would make "9 of 8 (120 %)" look wrong.
    """
    return quantity(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def whole_money(value: Decimal, symbol: str = "$") -> str:
    """A prorated money target, pace gap or projection, to the dollar: `Decimal('5806.45')` → "$5,806"."""
    return money(value.quantize(Decimal(1), rounding=ROUND_HALF_UP), symbol)


def plural(count: int, noun: str) -> str:
    """(1, "observation") → "1 observation"; (3, "observation") → "3 observations"."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def day(value: date) -> str:
    """`date(2026, 11, 26)` → "Thu 26 Nov"."""
    return f"{value:%a} {value.day} {value:%b}"


def relative_day(value: date, today: date) -> str:
    """ "today", "yesterday" or e.g. "Mon 23 Nov", as seen from `today`."""
    if value == today:
        return f"today ({day(value)})"
    if value == today - timedelta(days=1):
        return f"yesterday ({day(value)})"
    return day(value)


def join_words(words: Sequence[str]) -> str:
    """["a"] → "a"; ["a", "b", "c"] → "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def money(value: Decimal | None, symbol: str = "$") -> str:
    """`Decimal('12000.00')` → "$12,000"; cents only where there are some; None → "no amount"."""
    if value is None:
        return "no amount"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value():
        return f"{sign}{symbol}{int(value):,}"
    return f"{sign}{symbol}{value.quantize(Decimal('0.01')):,}"
