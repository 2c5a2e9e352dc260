"""Frozen records the pure layer consumes and the services return.

Standard library only: these cross every layer, so they must not drag SQLAlchemy or a chat SDK along.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from metrics.deal_records import DealSummary
from metrics.periods import local_date, zone


class Platform(StrEnum):
    """Where a request or a ledger row came from."""

    SLACK = "slack"
    TEAMS = "teams"
    IMPORT = "import"
    PLAYGROUND = "playground"
    LOCAL = "local"  # a workspace made by `tally import` before any chat platform connected


class Role(StrEnum):
    """What a person may do in a workspace."""

    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One metric of a workspace's catalog: how it is named, typed and scored."""

    key: str
    label: str
    unit: str
    aliases: tuple[str, ...]
    points: Decimal
    daily_cap: int
    kind: str = "leading"

    def count_label(self, quantity: int) -> str:
        """Return e.g. "1 dial", "12 dials", "45 talk minutes"."""
        noun = self.unit if abs(quantity) == 1 else self.label
        return f"{quantity:,} {noun}"


@dataclass(frozen=True, slots=True)
class WorkspaceDefaults:
    """Settings a new workspace starts with (from the operator's environment)."""

    timezone: str = "UTC"
    week_start: int = 0
    backdate_days: int = 7


@dataclass(frozen=True, slots=True)
class RepContext:
    """A resolved person acting in a workspace, with what their requests need to be interpreted."""

    workspace_id: int
    rep_id: int
    display_name: str
    timezone: str
    week_start: int
    backdate_days: int
    metrics: tuple[MetricSpec, ...]
    role: Role = Role.REP
    team_id: int | None = None

    def today(self, now: datetime) -> date:
        """The rep's local calendar day at the aware instant `now`."""
        return local_date(now, zone(self.timezone))

    def metric(self, key: str) -> MetricSpec:
        """Return the catalog entry for `key` (KeyError if the workspace has no such metric)."""
        for spec in self.metrics:
            if spec.key == key:
                return spec
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class LogItem:
    """One metric and how many of it."""

    metric_key: str
    quantity: int


@dataclass(frozen=True, slots=True)
class LogRequest:
    """What a rep asked to log: items for one local day, with optional tags."""

    items: tuple[LogItem, ...]
    day: date
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MetricTotal:
    """A metric's net quantity over some window, and the points it earns."""

    metric: MetricSpec
    quantity: int
    points: Decimal


@dataclass(frozen=True, slots=True)
class LogReceipt:
    """The result of a log: what was written (or found, for a repeated request) and the day's totals after it."""

    batch_id: str
    day: date
    items: tuple[MetricTotal, ...]
    day_totals: tuple[MetricTotal, ...]
    duplicate: bool = False
    tags: tuple[str, ...] = ()

    @property
    def day_points(self) -> Decimal:
        """Points earned on the log's day, all metrics together."""
        return sum((t.points for t in self.day_totals), Decimal(0))


@dataclass(frozen=True, slots=True)
class UndoReceipt:
    """The result of an undo: what was reversed (ledger items, and a deal put back as it was), or that it had
    been reversed already."""

    batch_id: str
    day: date
    items: tuple[MetricTotal, ...]
    already_undone: bool = False
    deal: DealSummary | None = None
