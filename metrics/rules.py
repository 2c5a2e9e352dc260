"""The rules a log must keep, as pure checks shared by every way in (typed text, the modal, imports).

Each check raises InvalidActivity with a message that says what is allowed, so a front end can show it as is.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from metrics.errors import InvalidActivity
from metrics.records import MetricSpec

MAX_BACKDATE_DAYS = 366


def check_quantity(spec: MetricSpec, quantity: int) -> None:
    """Refuse a quantity that is not a positive whole number within the metric's sanity cap."""
    if quantity <= 0:
        raise InvalidActivity(
            f"Quantities must be whole numbers of 1 or more (you gave {quantity} {spec.label}).", field=spec.key
        )
    if quantity > spec.daily_cap:
        raise InvalidActivity(
            f"{quantity:,} {spec.label} is more than Tally accepts in one day (at most {spec.daily_cap:,}). "
            "Check for a typo?",
            field=spec.key,
        )


def check_day_total(spec: MetricSpec, already: int, adding: int) -> None:
    """Refuse a log that would take a day's total of a metric over its cap."""
    if already + adding > spec.daily_cap:
        raise InvalidActivity(
            f"That would make {already + adding:,} {spec.label} for the day; Tally accepts at most "
            f"{spec.daily_cap:,} {spec.label} a day (you have {already:,} already).",
            field=spec.key,
        )


def check_day(day: date, today: date, backdate_days: int) -> None:
    """Refuse a day in the future, or further back than the workspace's backdating window."""
    if day > today:
        raise InvalidActivity(f"You can't log activity for a future day ({day:%a %d %b %Y}).", field="day")
    earliest = today - timedelta(days=backdate_days)
    if day < earliest:
        raise InvalidActivity(
            f"You can log up to {backdate_days} days back (to {earliest:%a %d %b}); "
            f"{day:%a %d %b %Y} is too far back. Ask your manager to correct older numbers.",
            field="day",
        )


MAX_MONEY = Decimal("100000000000")  # 100 billion: any more is a typo


def check_money(amount: Decimal | None, what: str) -> None:
    """Refuse an amount that is zero, negative or absurdly large (None, not given, is fine)."""
    if amount is None:
        return
    if amount <= 0:
        raise InvalidActivity(f"The {what} must be more than 0.", field=what)
    if amount >= MAX_MONEY:
        raise InvalidActivity(f"{amount:,} is more than Tally accepts for a {what}. Check for a typo?", field=what)
