"""What every Teams turn needs besides the activity: sessions, the clock, and workspace defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from metrics.records import Platform, WorkspaceDefaults

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TeamsRuntime:
    """Dependencies of the Teams front end, built once by the composition root.

    Attributes:
        sessions: opens one transaction per turn (on a worker thread: the core is synchronous).
        defaults: settings for a tenant seen for the first time.
        clock: returns the current instant; tests and the playground pass their own.
        source: what ledger rows written through Teams are marked as coming from.
    """

    sessions: sessionmaker[Session]
    defaults: WorkspaceDefaults
    clock: Clock = system_clock
    source: Platform = Platform.TEAMS
