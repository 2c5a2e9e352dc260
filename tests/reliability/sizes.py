"""How much the slow reliability tests do: CI's sizes by default, the full ones through TALLY_RELIABILITY_* variables
(docs/RELIABILITY.md lists them with the figures of both sizes).

Read at import, before the autouse fixture of tests/conftest.py clears TALLY_* from each test's environment.
"""

from __future__ import annotations

import os
import random

# SIGKILLs per backend in each crash test (tests/reliability/test_crash_*.py): 3 in CI, 5 at full size.
KILLS = int(os.environ.get("TALLY_RELIABILITY_KILLS", "3"))


def kill_points(rng: random.Random, kills: int, low: int, high: int) -> list[int]:
    """`kills` points in [low, high], early to late: one drawn (seeded) from each of `kills` equal slices of it.

    Spread on purpose: a handful of independent draws may all land early (or late) and leave a phase untried.
    """
    width = (high - low + 1) / kills
    return [rng.randint(low + round(width * index), low + round(width * (index + 1)) - 1) for index in range(kills)]
