"""/healthz and /metrics over real HTTP: the database up, unreachable, dropped or hung; the scheduler's
heartbeat; requests, deliveries and job runs as Prometheus reads them; gunicorn's multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.ops.jobs import recorded
from bot.playground.fake_slack import FakeSlack
from bot.scheduler import build_scheduler
from bot.slack.notifier import SlackNotifier, notifier_client
from bot.slack.runtime import Runtime
from metrics import db, jobs
from metrics.records import WorkspaceDefaults
from tests.conftest import POSTGRES_URL_ENV
from tests.factories import T0, FakeClock, make_office
from tests.harness import SlackHarness
from tests.ops_client import healthz, scrape, serving_ops, wait_until

ROOT = Path(__file__).resolve().parents[2]


def base(slack: SlackHarness) -> str:
    return slack.url.removesuffix("/slack/events")


def scheduler_for(slack: SlackHarness, fake_slack: FakeSlack) -> BackgroundScheduler:
    client = notifier_client(fake_slack.bot_token, fake_slack.base_url)
    runtime = Runtime(sessions=slack.sessions, defaults=WorkspaceDefaults(), clock=slack.clock)
    return build_scheduler(runtime, SlackNotifier(client), client)


def test_healthz_is_200_with_the_database_up_and_says_no_scheduler_has_run(slack: SlackHarness) -> None:
    status, body = healthz(base(slack))
    assert status == 200
    assert body == {
        "status": "degraded",
        "database": {"status": "ok"},
        "scheduler": {"status": "missing", "processes": 0},
    }


def test_heartbeat_age_after_a_scheduler_tick(slack: SlackHarness, fake_slack: FakeSlack, clock: FakeClock) -> None:
    scheduler = scheduler_for(slack, fake_slack)
    scheduler.start()  # the heartbeat runs at once on start
    try:
        wait_until(lambda: healthz(base(slack))[1]["scheduler"]["status"] != "missing")
    finally:
        scheduler.shutdown(wait=True)
    clock.set(T0 + timedelta(seconds=45))
    status, body = healthz(base(slack))
    assert status == 200 and body["status"] == "ok"
    assert body["scheduler"] == {
        "status": "ok",
        "last_beat": "2026-11-26T15:00:00Z",
        "age_seconds": 45.0,
        "processes": 1,
    }
    # Late: the web workers stay in rotation (200) and say so; a monitor asking for the scheduler gets 503.
    clock.set(T0 + timedelta(minutes=10))
    status, body = healthz(base(slack))
    assert status == 200 and body["status"] == "degraded"
    assert body["scheduler"]["status"] == "late" and body["scheduler"]["age_seconds"] == 600.0
    assert healthz(base(slack), "?scheduler=required")[0] == 503
    clock.set(T0 + timedelta(seconds=30))
    assert healthz(base(slack), "?scheduler=required")[0] == 200


def unreachable_url(database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'tally.db'}"
    return make_url(database_url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)


def test_healthz_is_503_when_the_database_is_unreachable(
    database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    engine = db.make_engine(unreachable_url(database_url, tmp_path))
    with serving_ops(db.make_sessionmaker(engine), clock, fake_slack) as url:
        status, body = healthz(url)
        metrics = scrape(url)  # the scrape still answers, and says the database is down
    engine.dispose()
    assert status == 503
    assert body == {
        "status": "down",
        "database": {"status": "down", "error": "OperationalError"},
        "scheduler": {"status": "unknown"},
    }
    assert metrics.get("tally_database_up") == 0 and metrics.get("tally_deliveries", status="pending") is None


@pytest.fixture
def own_postgres_database() -> Iterator[tuple[str, Engine]]:
    """A migrated PostgreSQL database of this test's own (so it may be dropped), and the admin engine."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(f"PostgreSQL runs need {POSTGRES_URL_ENV}")
    name = f"tally_ops_{uuid.uuid4().hex[:8]}"
    admin = db.make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    own = make_url(url).set(database=name).render_as_string(hide_password=False)
    yield own, admin
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.mark.postgresql
def test_healthz_is_503_once_the_database_is_dropped(
    own_postgres_database: tuple[str, Engine], clock: FakeClock, fake_slack: FakeSlack
) -> None:
    url, admin = own_postgres_database
    engine = db.make_engine(url)
    db.upgrade(engine)
    with serving_ops(db.make_sessionmaker(engine), clock, fake_slack) as base_url:
        assert healthz(base_url)[0] == 200
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {make_url(url).database} WITH (FORCE)"))
        status, body = healthz(base_url)
    engine.dispose()
    assert status == 503 and body["database"]["status"] == "down"


def test_healthz_gives_up_on_a_hung_database_and_recovers(
    sessions: sessionmaker[Session], engine: Engine, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    with serving_ops(sessions, clock, fake_slack, timeout=0.5) as url, engine.connect() as holder:
        with holder.begin():  # SQLite: BEGIN IMMEDIATE holds the write lock; PostgreSQL: an exclusive table lock
            if engine.dialect.name == "postgresql":
                holder.execute(text("LOCK TABLE scheduler_beat IN ACCESS EXCLUSIVE MODE"))
            assert healthz(url) == (
                503,
                {"status": "down", "database": {"status": "timeout"}, "scheduler": {"status": "unknown"}},
            )
            assert healthz(url)[0] == 503  # waits on the same stuck query rather than starting another
        wait_until(lambda: healthz(url)[0] == 200)


def test_metrics_count_signed_log_requests_by_outcome(slack: SlackHarness) -> None:
    before = scrape(base(slack))
    ok = {"kind": "command", "name": "/log", "outcome": "ok"}
    refused = {**ok, "outcome": "refused"}
    assert "Logged 12 dials" in slack.command("/log", "12 dials").text
    assert "dials" in slack.command("/log", "12 dails").text  # a typo: refused with a suggestion
    wait_until(
        lambda: (
            scrape(base(slack)).value("tally_requests_total", **refused)
            > before.value("tally_requests_total", **refused)
        )
    )
    wait_until(
        lambda: scrape(base(slack)).value("tally_requests_total", **ok) > before.value("tally_requests_total", **ok)
    )
    after = scrape(base(slack))
    assert after.value("tally_requests_total", **ok) - before.value("tally_requests_total", **ok) == 1
    assert after.value("tally_requests_total", **refused) - before.value("tally_requests_total", **refused) == 1
    count = "tally_request_duration_seconds_count"
    assert after.value(count, kind="command", name="/log") - before.value(count, kind="command", name="/log") == 2
    assert after.get("tally_database_up") == 1


def test_metrics_show_deliveries_by_status_and_the_outbox_age(
    slack: SlackHarness, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    make_office(slack.sessions, team=slack.team_id)
    planned_at = datetime(2026, 11, 30, 13, 31, tzinfo=UTC)  # 08:31 in New York: the 08:30 nudges are due
    assert jobs.run("nudges", slack.sessions, None, planned_at).planned.planned == 3
    clock.set(datetime(2026, 11, 30, 13, 40, tzinfo=UTC))
    metrics = scrape(base(slack))
    assert (
        metrics.get("tally_deliveries", status="pending") == 3 and metrics.get("tally_deliveries", status="sent") == 0
    )
    assert metrics.get("tally_outbox_oldest_unsent_age_seconds") == 540.0  # due when planned at 08:31; now 08:40
    for name in ("Bob", "Cy", "Fay"):
        fake_slack.add_user(f"U{name.upper()}", name, "America/New_York")
    notifier = SlackNotifier(notifier_client(fake_slack.bot_token, fake_slack.base_url))
    assert jobs.run("dispatch", slack.sessions, notifier, clock()).dispatched.sent == 3  # type: ignore[union-attr]
    metrics = scrape(base(slack))
    assert (
        metrics.get("tally_deliveries", status="sent") == 3 and metrics.get("tally_deliveries", status="pending") == 0
    )
    assert metrics.get("tally_outbox_oldest_unsent_age_seconds") == 0


def test_metrics_count_the_scheduler_processes_job_runs_and_failures(
    slack: SlackHarness, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    scheduler = scheduler_for(slack, fake_slack)
    scheduler.start(paused=True)
    try:
        for _ in range(2):
            scheduler.get_job("standings").func()  # the job exactly as the scheduler runs it
    finally:
        scheduler.shutdown(wait=False)

    def broken() -> object:
        raise RuntimeError("the job broke")

    clock.set(T0 + timedelta(minutes=5))
    recorded("digests", broken, slack.sessions, clock, "host:1")()
    metrics = scrape(base(slack))
    assert metrics.get("tally_job_runs_total", job="standings") == 2
    assert metrics.get("tally_job_failures_total", job="standings") == 0
    assert metrics.get("tally_job_last_success_timestamp_seconds", job="standings") == T0.timestamp()
    assert metrics.get("tally_job_runs_total", job="digests") == 1
    assert metrics.get("tally_job_failures_total", job="digests") == 1
    assert metrics.get("tally_job_last_success_timestamp_seconds", job="digests") is None


WORKER = "from bot.ops import prom; prom.observe_request('command', '/log', 'ok', 0.2)"


def test_metrics_add_up_every_worker_in_multiprocess_mode(
    tmp_path: Path, sessions: sessionmaker[Session], clock: FakeClock, fake_slack: FakeSlack
) -> None:
    shared = tmp_path / "prometheus"  # a directory of its own: every *.db file in it is read as metrics
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    for _ in range(2):  # two gunicorn workers, each a process counting one request
        subprocess.run([sys.executable, "-c", WORKER], env=env, cwd=ROOT, check=True)
    with serving_ops(sessions, clock, fake_slack, multiprocess_dir=str(shared)) as url:
        metrics = scrape(url)
    # Exactly the workers' two: this process's own counters are not in a multiprocess scrape.
    assert metrics.get("tally_requests_total", kind="command", name="/log", outcome="ok") == 2
    assert metrics.get("tally_request_duration_seconds_count", kind="command", name="/log") == 2
    assert metrics.get("tally_database_up") == 1
