"""Pure KPI functions, with the names and meanings fixed by METRICS.md.

Standard library only and no clock. Money and ratios are `Decimal`; a rate whose denominator is zero is `None`
("no data"), never 0 and never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

Number = int | Decimal


def attainment(actual: Number, target: Number) -> Decimal | None:
    """Return achieved ÷ target for any metric with a target (quota attainment).

    Args:
        actual: what was achieved in the period (a count or an amount).
        target: the target for the same period.

    Returns:
        The fraction achieved (may exceed 1; it is not capped), or None when there is no positive target.

    Example:
        >>> attainment(45, 50)
        Decimal('0.9')
    """
    if target <= 0:
        return None
    return Decimal(actual) / Decimal(target)


def activity_points(quantities: Mapping[str, int], weights: Mapping[str, Decimal]) -> Decimal:
    """Return Σ quantity × points per unit over the metrics given.

    Metrics without a weight score nothing. Quantities are net (an undo's reversal is negative), so undoing a log
    takes its points away again.

    Example:
        >>> activity_points({"dials": 12, "meetings": 3}, {"dials": Decimal(1), "meetings": Decimal(10)})
        Decimal('42')
    """
    return sum((Decimal(q) * weights.get(key, Decimal(0)) for key, q in quantities.items()), Decimal(0))
