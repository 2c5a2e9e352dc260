"""The KPI functions the walking skeleton uses (METRICS.md): attainment and activity points."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.kpis import activity_points, attainment

ARTICLE_WEIGHTS = {
    "dials": Decimal(1),
    "emails": Decimal(1),
    "conversations": Decimal(3),
    "positive_conversations": Decimal(5),
    "meetings": Decimal(10),
    "opportunities": Decimal(15),
}


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (45, 50, Decimal("0.9")),
        (Decimal("235000"), Decimal("250000"), Decimal("0.94")),
        (Decimal("312500"), Decimal("250000"), Decimal("1.25")),  # over quota: never capped
        (0, 50, Decimal(0)),
        (10, 0, None),  # no target: no data, not 0 and not an error
    ],
)
def test_attainment(actual: int | Decimal, target: int | Decimal, expected: Decimal | None) -> None:
    assert attainment(actual, target) == expected


def test_activity_points_use_the_articles_weights() -> None:
    logged = {"dials": 12, "conversations": 4, "meetings": 3, "opportunities": 1, "talk_minutes": 45}
    assert activity_points(logged, ARTICLE_WEIGHTS) == Decimal(12 + 12 + 30 + 15)


@given(st.dictionaries(st.sampled_from(sorted(ARTICLE_WEIGHTS)), st.integers(0, 500)))
def test_an_undo_takes_its_points_away(quantities: dict[str, int]) -> None:
    reversed_ = {key: -quantity for key, quantity in quantities.items()}
    combined = {key: quantities[key] + reversed_[key] for key in quantities}
    assert activity_points(quantities, ARTICLE_WEIGHTS) + activity_points(reversed_, ARTICLE_WEIGHTS) == 0
    assert activity_points(combined, ARTICLE_WEIGHTS) == 0
