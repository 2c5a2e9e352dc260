"""Small helpers that write through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from metrics.models import Entry
from metrics.records import LogItem, LogReceipt, LogRequest, Platform, RepContext, WorkspaceDefaults
from metrics.services import identity, ledger

T0 = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday afternoon in New York, evening in London


@dataclass
class FakeClock:
    """A clock the test sets; the app asks it for `now`."""

    now: datetime = field(default=T0)

    def __call__(self) -> datetime:
        return self.now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.now = instant


def make_rep(
    sessions: sessionmaker[Session],
    *,
    user: str = "UALICE",
    name: str = "Alice",
    tz: str | None = "America/New_York",
    team: str = "T0TEST",
    now: datetime = T0,
    defaults: WorkspaceDefaults | None = None,
) -> RepContext:
    with sessions.begin() as session:
        return identity.register_rep(
            session,
            platform=Platform.SLACK,
            workspace_external_id=team,
            user_external_id=user,
            display_name=name,
            timezone=tz,
            defaults=defaults or WorkspaceDefaults(),
            now=now,
        )


def log(
    sessions: sessionmaker[Session],
    rep: RepContext,
    items: dict[str, int],
    *,
    now: datetime = T0,
    day: date | None = None,
    key: str | None = None,
    tags: tuple[str, ...] = (),
) -> LogReceipt:
    request = LogRequest(items=tuple(LogItem(k, q) for k, q in items.items()), day=day or rep.today(now), tags=tags)
    with sessions.begin() as session:
        return ledger.log_activity(
            session, rep=rep, request=request, source=Platform.SLACK, now=now, idempotency_key=key
        )


def entry_count(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(Entry)) or 0)
