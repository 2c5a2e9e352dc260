"""Fixtures shared by every suite: a clean environment, databases on SQLite and PostgreSQL, a Slack harness.

Database tests take the `database_url` fixture (or `engine` / `sessions` built on it) and so run twice: on a
fresh SQLite file, and on the PostgreSQL server named by TALLY_TEST_POSTGRES_URL (skipped when it is unset,
except under TALLY_REQUIRE_POSTGRES=1, where a missing server is a failure). `-m postgresql` selects the
PostgreSQL runs, `-m sqlite` the SQLite ones.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.ops.routes import ops_routes
from bot.playground.fake_slack import FakeSlack
from bot.slack.app import build_app
from bot.slack.runtime import Runtime
from bot.slack.server import make_http_server, serve_in_background
from metrics import db
from metrics.models import Base
from metrics.records import WorkspaceDefaults
from tests.factories import FakeClock
from tests.harness import ListenerPool, SlackHarness

POSTGRES_URL_ENV = "TALLY_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "TALLY_REQUIRE_POSTGRES"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
            callspec = getattr(item, "callspec", None)
            if callspec is not None and callspec.params.get("database_url") == "sqlite":
                item.add_marker(pytest.mark.sqlite)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may see the developer's Slack or Teams credentials or database (Bolt reads SLACK_* on its own)."""
    for name in list(os.environ):
        private = name.startswith(("SLACK_", "TALLY_", "MICROSOFT_APP_"))
        if private and name not in (POSTGRES_URL_ENV, REQUIRE_POSTGRES_ENV):
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to the newest schema; each test gets a copy (the migrated schema, cheaply)."""
    path = tmp_path_factory.mktemp("template") / "tally.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """The PostgreSQL test database, emptied and migrated once per run (per pytest-xdist worker)."""
    engine = db.make_engine(worker_postgres_url())
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.upgrade(engine)
    yield engine
    engine.dispose()


def postgres_url_or_skip() -> str:
    """The PostgreSQL server's URL; the test is skipped without one (failed under TALLY_REQUIRE_POSTGRES=1)."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(f"{REQUIRE_POSTGRES_ENV} is set but {POSTGRES_URL_ENV} is not")
        pytest.skip(f"PostgreSQL runs need {POSTGRES_URL_ENV} (.ci/run starts a server and sets it)")
    return url


def worker_postgres_url() -> str:
    """The test database's URL; under pytest-xdist, that of a database of this worker's own on the same server.

    Each test empties every table of the database it is given, so two workers sharing one would empty each other's.
    The worker's database is made afresh (a crashed earlier run may have left one behind).
    """
    url = postgres_url_or_skip()
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … (unset without xdist)
    if not worker:
        return url
    name = f"{make_url(url).database}_{worker}"
    admin = db.make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (no schema at all), dropped afterwards; yields its URL."""
    url = postgres_url_or_skip()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = db.make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "tally.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    engine: Engine = request.getfixturevalue("postgres_engine")
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return db.make_sessionmaker(engine)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def slack(sessions: sessionmaker[Session], clock: FakeClock, fake_slack: FakeSlack) -> Iterator[SlackHarness]:
    """The real Bolt app behind the real HTTP server, acking first as in production, against the fake Slack."""
    executor = ListenerPool(max_workers=5)
    runtime = Runtime(sessions=sessions, defaults=WorkspaceDefaults(timezone="UTC"), clock=clock)
    app = build_app(
        runtime=runtime,
        bot_token=fake_slack.bot_token,
        signing_secret="test-signing-secret",
        slack_api_url=fake_slack.base_url,
        listener_executor=executor,
    )
    server = make_http_server(app, "127.0.0.1", 0, routes=ops_routes(sessions, clock))
    serve_in_background(server)
    harness = SlackHarness(
        fake=fake_slack,
        url=f"http://127.0.0.1:{server.server_port}/slack/events",
        signing_secret="test-signing-secret",
        sessions=sessions,
        clock=clock,
        listeners=executor,
    )
    yield harness
    server.shutdown()
    server.server_close()
    executor.shutdown(wait=True)  # no listener may still touch the database when the next test starts
