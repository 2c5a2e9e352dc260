"""Frozen records for deals: what a rep asks, what the services answer. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Stage(StrEnum):
    """Where a deal stands."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class DealAction(StrEnum):
    """What a rep can do to a deal from chat."""

    OPEN = "opp"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class DealSummary:
    """A deal as a rep sees it."""

    deal_id: int
    account: str | None
    stage: Stage
    amount: Decimal | None
    cost: Decimal | None
    created_on: date | None
    closed_on: date | None
    active: bool = True

    @property
    def cycle_days(self) -> int | None:
        """Whole days from creation to close, where both are known."""
        if self.created_on is None or self.closed_on is None:
            return None
        return (self.closed_on - self.created_on).days


@dataclass(frozen=True, slots=True)
class DealRequest:
    """`/log won Acme $12,000 cost 4k yesterday`, read: the action, the account, money and the day."""

    action: DealAction
    account: str
    day: date
    amount: Decimal | None = None
    cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DealReceipt:
    """The result of a deal log: the deal after it, whether the log created it, and the batch to undo."""

    batch_id: str
    action: DealAction
    deal: DealSummary
    created: bool
    duplicate: bool = False
