"""Part 3: the morning fan-out. Every rep due at once, sent to a fake Slack that enforces Slack's posting limits:
SQL statements (constant, not per rep), planning time, and wall time against the rate-limit floor."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.backends import Backend
from bench.company import TEAM_ID, generate, user_id
from bench.results import Result, Run
from bot.playground.fake_slack import FakeSlack
from bot.playground.fake_slack_limits import RateLimits
from bot.slack.notifier import SlackNotifier, notifier_client
from metrics import db, jobs
from metrics.dispatch import Dispatcher, DispatchReport

PART = "3 fan-out"
MORNING = datetime(2026, 11, 19, 13, 31, tzinfo=UTC)  # the day after NOW, 08:31 in New York: everyone is due
# Slack's limits at 20× speed: a real minute of sending takes three seconds here.
LIMITS = RateLimits(speedup=20.0)
ENTRY_DAYS = 10  # a fortnight of history: the nudge reads yesterday and the week


@dataclass(frozen=True, slots=True)
class FanOut:
    """One morning's numbers."""

    reps: int
    planned: int
    plan_statements: int
    send_statements: int
    plan_seconds: float
    send_seconds: float
    floor_seconds: float
    report: DispatchReport


def run_fanout(run: Run, backends: list[Backend], *, reps: int, baseline_reps: int) -> None:
    """A morning for `baseline_reps` (the statements' floor) and one for `reps`, on each backend."""
    for backend in backends:
        small = morning(backend, baseline_reps)
        large = morning(backend, reps)
        name = f"{backend.name} · {baseline_reps} → {reps} reps"
        run.add(Result(PART, f"SQL statements, planning · {name}", small.plan_statements, large.plan_statements,
                       1.0, unit="statements"))  # fmt: skip
        run.add(
            Result(PART, f"SQL statements per batch, sending · {name}", small.send_statements / small.report.batches,
                   large.send_statements / large.report.batches, 1.0, unit="statements",
                   note=f"{large.report.batches} batches of ≤ 500")
        )  # fmt: skip
        run.add(Result(PART, f"planning {large.planned} nudges · {backend.name}", None, large.plan_seconds, None))
        lost = large.planned - large.report.sent
        note = f"{large.report.rate_limited} × 429; Slack's limits at {LIMITS.speedup:g}× speed" + (
            f"; {lost} NOT sent in the run ({large.report.retrying} left to retry)" if lost else ""
        )
        run.add(Result(PART, f"sending {large.planned} nudges vs rate-limit floor · {backend.name}",
                       large.floor_seconds, large.send_seconds, 1.1, note=note))  # fmt: skip


def morning(backend: Backend, reps: int) -> FanOut:
    """Generate a company of `reps`, plan the morning's nudges and send them through the rate-limited fake."""
    company = generate(backend.fresh(f"fanout-{reps}"), reps=reps, entry_rows=reps * 6 * ENTRY_DAYS)
    engine = db.make_engine(company.url)
    sessions = db.make_sessionmaker(engine)
    try:
        with FakeSlack(team_id=TEAM_ID) as fake:
            for n in range(reps):
                fake.add_user(user_id(n), f"Rep {n:05d}", "America/New_York")
            with db.statements(engine) as planning:
                start = time.perf_counter()
                planned = jobs.run("nudges", sessions, None, MORNING).planned.planned
                plan_seconds = time.perf_counter() - start
            fake.limit_rates(LIMITS)
            notifier = SlackNotifier(notifier_client(fake.bot_token, fake.base_url))
            with db.statements(engine) as sending:
                start = time.perf_counter()
                clock = _running_clock(MORNING, start)
                report = Dispatcher(sessions, notifier, clock=clock, owner="bench").run()
                send_seconds = time.perf_counter() - start
            floor = LIMITS.floor([1] * planned)  # one DM per rep: each its own channel
    finally:
        engine.dispose()
    return FanOut(reps, planned, len(planning), len(sending), plan_seconds, send_seconds, floor, report)


def _running_clock(at: datetime, start: float) -> Callable[[], datetime]:
    return lambda: at + timedelta(seconds=time.perf_counter() - start)
