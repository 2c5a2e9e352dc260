"""A generated company: reps in teams, a manager per team, targets, deals, and a history of ledger rows.

Written with set-based bulk inserts (executemany on SQLite, COPY on PostgreSQL), never through the services row
by row: the services are what is measured, not how the data got there. Only the workspace itself (and its
metric catalog) is made by the real service, so the catalog is exactly what a real workspace has.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert, select, text, update

from metrics import db
from metrics.models import Account, ChatIdentity, Deal, MetricDef, Rep, Target, Team, Workspace
from metrics.records import Platform, WorkspaceDefaults
from metrics.services import identity

TEAM_ID = "T0BENCH"  # the Slack team id of the generated workspace (the fake Slack's, too)
ZONE = "America/New_York"
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York: mid-week, mid-month
LOGGED = ("dials", "conversations", "talk_minutes", "meetings", "emails", "opportunities")  # per rep per day
CHUNK = 50_000
COLUMNS = "workspace_id, rep_id, metric_id, quantity, local_day, created_at, source, batch_id"


@dataclass(frozen=True, slots=True)
class Company:
    """What was generated, and the ids a benchmark needs."""

    url: str
    workspace_id: int
    admin_user: str  # chat user id of an admin (sees the whole company's board)
    rep_user: str  # chat user id of a rep in the first team
    reps: int
    entries: int
    first_day: date


def user_id(number: int) -> str:
    """The chat user id of generated rep `number`."""
    return f"U{number:08d}"


def generate(url: str, *, reps: int, entry_rows: int, team_size: int = 50, seed: int = 7) -> Company:
    """Fill the migrated, empty database at `url`: `reps` reps and about `entry_rows` ledger rows, six a working
    day per rep going back from NOW's day (so 10× the rows is 10× the history, not 10× the month)."""
    engine = db.make_engine(url)
    try:
        workspace_id = _workspace(engine)
        metric_ids = _metric_ids(engine, workspace_id)
        team_ids = _teams(engine, workspace_id, -(-reps // team_size))
        rep_ids = _reps(engine, workspace_id, reps, team_ids, team_size)
        days = _working_days(NOW.date(), max(1, -(-entry_rows // (reps * len(LOGGED)))))
        _targets(engine, workspace_id, rep_ids, team_ids, metric_ids, days[0])
        _deals(engine, workspace_id, rep_ids, days, random.Random(seed))
        written = _entries(engine, workspace_id, list(LOGGED), days)
        _analyze(engine)
    finally:
        engine.dispose()
    return Company(url, workspace_id, user_id(0), user_id(2), reps, written, days[0])


def _workspace(engine: Engine) -> int:
    sessions = db.make_sessionmaker(engine)
    defaults = WorkspaceDefaults(timezone=ZONE)
    with sessions.begin() as session:
        workspace = identity.new_workspace(session, Platform.SLACK, TEAM_ID, defaults, NOW - timedelta(days=4000))
        session.execute(
            update(Workspace).where(Workspace.id == workspace.id).values(holiday_country="US", name="Bench Inc")
        )
        return workspace.id


def _metric_ids(engine: Engine, workspace_id: int) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(MetricDef.key, MetricDef.id).where(MetricDef.workspace_id == workspace_id))
        return dict(rows.tuples().all())


def _teams(engine: Engine, workspace_id: int, count: int) -> list[int]:
    created = NOW - timedelta(days=4000)
    rows = [
        {"workspace_id": workspace_id, "name": f"Team {n:03d}", "channel_id": f"C{n:08d}", "created_at": created}
        for n in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(insert(Team), rows)
        return list(connection.scalars(select(Team.id).where(Team.workspace_id == workspace_id).order_by(Team.id)))


def _reps(engine: Engine, workspace_id: int, count: int, team_ids: list[int], team_size: int) -> list[int]:
    """Rep 0 is the admin (in no team); the first of each team manages it; the rest are reps."""
    created = NOW - timedelta(days=4000)
    rows = []
    for n in range(count):
        team = None if n == 0 else team_ids[min((n - 1) // team_size, len(team_ids) - 1)]
        role = "admin" if n == 0 else ("manager" if (n - 1) % team_size == 0 else "rep")
        rows.append(
            {
                "workspace_id": workspace_id,
                "team_id": team,
                "display_name": f"Rep {n:05d}",
                "timezone": ZONE,
                "chat_timezone": ZONE,
                "role": role,
                "active": True,
                "hidden": False,
                "created_at": created,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(Rep), rows)
        ids = list(connection.scalars(select(Rep.id).where(Rep.workspace_id == workspace_id).order_by(Rep.id)))
        identities = [
            {
                "workspace_id": workspace_id,
                "rep_id": rep_id,
                "platform": Platform.SLACK.value,
                "external_user_id": user_id(n),
                "created_at": created,
            }
            for n, rep_id in enumerate(ids)
        ]
        connection.execute(insert(ChatIdentity), identities)
        for position, team_id in enumerate(team_ids):
            manager = ids[1 + position * team_size]
            connection.execute(update(Team).where(Team.id == team_id).values(manager_rep_id=manager))
    return ids


def _working_days(last: date, count: int) -> list[date]:
    days: list[date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def _targets(
    engine: Engine, workspace_id: int, rep_ids: list[int], team_ids: list[int], metric: dict[str, int], start: date
) -> None:
    created = datetime.combine(start, time(12), UTC)
    shapes = (("dials", "day", 50), ("conversations", "day", 10), ("meetings", "week", 8), ("revenue", "month", 20000))
    common = {"workspace_id": workspace_id, "starts_on": start, "ends_on": None, "stretch": False}
    rows: list[dict[str, Any]] = [
        {**common, "subject_kind": "rep", "rep_id": rep_id, "team_id": None, "metric_id": metric[key],
         "period_kind": period, "amount": Decimal(amount), "created_at": created}
        for rep_id in rep_ids[1:]
        for key, period, amount in shapes
    ]  # fmt: skip
    rows += [
        {**common, "subject_kind": "team", "rep_id": None, "team_id": team_id, "metric_id": metric["meetings"],
         "period_kind": "month", "amount": Decimal(1500), "created_at": created}
        for team_id in team_ids
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Target), rows)


def _deals(engine: Engine, workspace_id: int, rep_ids: list[int], days: list[date], rng: random.Random) -> None:
    """About two deals per rep per month of history: most closed (won or lost), the latest still open."""
    created = NOW - timedelta(days=4000)
    with engine.begin() as connection:
        accounts = [
            {"workspace_id": workspace_id, "name": f"Account {n}", "name_key": f"account {n}", "created_at": created}
            for n in range(max(50, len(rep_ids) * 2))
        ]
        connection.execute(insert(Account), accounts)
        account_ids = list(connection.scalars(select(Account.id).where(Account.workspace_id == workspace_id)))
        rows = []
        for rep_id in rep_ids[1:]:
            for opened in days[:: 10 + rng.randrange(3)]:
                closed = opened + timedelta(days=20 + rng.randrange(30))
                stage = "open" if closed > NOW.date() else rng.choice(("won", "won", "lost"))
                rows.append(_deal(workspace_id, rep_id, rng.choice(account_ids), opened, closed, stage, rng))
            if len(rows) >= CHUNK:
                connection.execute(insert(Deal), rows)
                rows = []
        if rows:
            connection.execute(insert(Deal), rows)


def _deal(
    workspace_id: int, rep_id: int, account_id: int, opened: date, closed: date, stage: str, rng: random.Random
) -> dict[str, Any]:
    at = datetime.combine(opened, time(15), UTC)
    return {
        "workspace_id": workspace_id,
        "owner_rep_id": rep_id,
        "account_id": account_id,
        "product": None,
        "amount": Decimal(rng.randrange(2_000, 40_000)),
        "cost": None,
        "stage": stage,
        "created_on": opened,
        "closed_on": None if stage == "open" else closed,
        "contract_months": None,
        "contract_ends_on": None,
        "recurring": False,
        "external_id": None,
        "source": "import",
        "active": True,
        "created_at": at,
        "updated_at": at,
    }


def _entries(engine: Engine, workspace_id: int, metric_keys: list[str], days: list[date]) -> int:
    """One INSERT … SELECT over reps × working days × metrics, done by the database itself: a set-based write
    that fills 15M rows in a minute where row-by-row Python would take many. Quantities vary by a fixed hash."""
    modulus = [{"key": key, "modulus": 3 * base} for key, base in zip(metric_keys, (40, 8, 30, 2, 15, 1), strict=True)]
    with engine.begin() as connection:
        connection.execute(text("CREATE TEMPORARY TABLE bench_day (n INTEGER, day DATE, at TIMESTAMP)"))
        connection.execute(text("CREATE TEMPORARY TABLE bench_metric (key VARCHAR(40), modulus INTEGER)"))
        sqlite = connection.dialect.name == "sqlite"
        if not sqlite and connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
            # The rows are made from rows that exist, so their foreign keys hold; checking each one by trigger
            # triples PostgreSQL's load time. Only a superuser may skip them (for this transaction only).
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        if not sqlite:  # Tally's engines stop a statement after 30 s; ten years of ledger take longer to write
            connection.execute(text("SET LOCAL statement_timeout = 0"))
        connection.execute(text("INSERT INTO bench_day (n, day, at) VALUES (:n, :day, :at)"), _day_rows(days, sqlite))
        connection.execute(text("INSERT INTO bench_metric (key, modulus) VALUES (:key, :modulus)"), modulus)
        written = connection.execute(
            text(
                f"INSERT INTO entry ({COLUMNS}) "
                "SELECT r.workspace_id, r.id, m.id, 1 + (r.id * 7919 + d.n * 104729 + m.id * 31) % bm.modulus, "
                "d.day, d.at, 'slack', 'b' || r.id || '-' || d.n "
                "FROM bench_day d CROSS JOIN rep r JOIN metric_def m ON m.workspace_id = r.workspace_id "
                "JOIN bench_metric bm ON bm.key = m.key WHERE r.workspace_id = :workspace ORDER BY d.n, r.id, m.id"
            ),
            {"workspace": workspace_id},
        ).rowcount
        connection.execute(text("DROP TABLE bench_day"))
        connection.execute(text("DROP TABLE bench_metric"))
    return int(written)


def _day_rows(days: list[date], sqlite: bool) -> list[dict[str, Any]]:
    """Each working day and the instant its rows were logged (as SQLite's DateTime stores it: naive UTC text)."""
    rows: list[dict[str, Any]] = []
    for n, day in enumerate(days):
        at = datetime.combine(day, time(17), UTC)
        rows.append(
            {
                "n": n,
                "day": day.isoformat() if sqlite else day,
                "at": f"{at:%Y-%m-%d %H:%M:%S}.000000" if sqlite else at,
            }
        )
    return rows


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics, as a database that has lived a while has."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET statement_timeout = 0"))
        connection.execute(text("ANALYZE"))
