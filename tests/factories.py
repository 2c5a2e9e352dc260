"""Small helpers that write through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from metrics.models import Entry, Workspace
from metrics.records import LogItem, LogReceipt, LogRequest, Platform, RepContext, Role, WorkspaceDefaults
from metrics.services import admin, identity, ledger, teams

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
    platform: Platform = Platform.SLACK,
) -> RepContext:
    with sessions.begin() as session:
        return identity.register_rep(
            session,
            platform=platform,
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


def make_office(
    sessions: sessionmaker[Session], team: str = "T0TEST", platform: Platform = Platform.SLACK
) -> dict[str, RepContext]:
    """Ann (admin); Dee manages East (Bob, Cy); Eve manages West (Fay). User ids are "U" + the name upper-cased;
    on Teams, `team` is the tenant id and the user ids stand in for AAD object ids."""
    people = {
        name: make_rep(sessions, user=f"U{name.upper()}", name=name, team=team, platform=platform)
        for name in ("Ann", "Dee", "Bob", "Cy", "Eve", "Fay")
    }
    with sessions.begin() as session:
        admin.setup(session, asker=people["Ann"], platform_admin=False, now=T0)
    ann = make_rep(sessions, user="UANN", name="Ann", team=team, platform=platform)
    with sessions.begin() as session:
        for name, manager, members in (("East", "Dee", ("Bob", "Cy")), ("West", "Eve", ("Fay",))):
            teams.create_team(session, asker=ann, name=name, channel_id=f"C{name.upper()}", now=T0)
            ids = [people[m].rep_id for m in (manager, *members)]
            teams.add_to_team(session, asker=ann, rep_ids=ids, team_name=name, now=T0)
            admin.set_role(session, asker=ann, rep_id=people[manager].rep_id, role=Role.MANAGER, team_name=name, now=T0)
        session.execute(update(Workspace).values(backdate_days=400))  # history tests log months back
    return {
        name: make_rep(sessions, user=f"U{name.upper()}", name=name, team=team, platform=platform) for name in people
    }


def entry_count(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(Entry)) or 0)
