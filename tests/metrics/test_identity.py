"""Workspaces and reps created on first sight, once, even under concurrency."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from metrics.catalog import DEFAULT_METRICS
from metrics.models import ChatIdentity, MetricDef, Rep, Workspace
from metrics.records import Platform, WorkspaceDefaults
from metrics.services import identity
from tests.factories import make_rep


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_first_sight_creates_the_workspace_with_the_default_catalog(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions, defaults=WorkspaceDefaults(timezone="Europe/Berlin", week_start=6, backdate_days=3))
    assert [spec.key for spec in rep.metrics] == [spec.key for spec in DEFAULT_METRICS]
    assert (rep.week_start, rep.backdate_days, rep.timezone) == (6, 3, "America/New_York")
    assert rep.metrics == DEFAULT_METRICS
    with sessions.begin() as session:
        found = identity.find_rep(
            session, platform=Platform.SLACK, workspace_external_id="T0TEST", user_external_id="UALICE"
        )
    assert found == rep


def test_an_unknown_or_missing_time_zone_falls_back_to_the_workspaces(sessions: sessionmaker[Session]) -> None:
    defaults = WorkspaceDefaults(timezone="Europe/Berlin")
    assert make_rep(sessions, user="U1", tz=None, defaults=defaults).timezone == "Europe/Berlin"
    assert make_rep(sessions, user="U2", tz="Mars/Olympus", defaults=defaults).timezone == "Europe/Berlin"


def test_registering_twice_returns_the_same_rep(sessions: sessionmaker[Session]) -> None:
    assert make_rep(sessions) == make_rep(sessions)
    assert (count(sessions, Workspace), count(sessions, Rep), count(sessions, ChatIdentity)) == (1, 1, 1)


def test_unknown_people_are_not_found(sessions: sessionmaker[Session]) -> None:
    make_rep(sessions)
    with sessions.begin() as session:
        for team, user in (("T0TEST", "UNOBODY"), ("TOTHER", "UALICE")):
            assert (
                identity.find_rep(session, platform=Platform.SLACK, workspace_external_id=team, user_external_id=user)
                is None
            )


def test_concurrent_first_requests_create_one_workspace_and_one_rep(sessions: sessionmaker[Session]) -> None:
    barrier = threading.Barrier(5)
    reps = []

    def register() -> None:
        barrier.wait()
        reps.append(make_rep(sessions))

    threads = [threading.Thread(target=register) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reps) == 5 and len({rep.rep_id for rep in reps}) == 1
    assert (count(sessions, Workspace), count(sessions, Rep)) == (1, 1)
    assert count(sessions, MetricDef) == len(DEFAULT_METRICS)
