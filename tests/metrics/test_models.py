"""Column types: aware UTC datetimes on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from metrics.models import Workspace


def test_datetimes_come_back_aware_and_in_utc(sessions: sessionmaker[Session]) -> None:
    tokyo_noon = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=9)))
    with sessions.begin() as session:
        session.add(Workspace(platform="slack", external_id="T1", settings={}, created_at=tokyo_noon))
    with sessions.begin() as session:
        stored = session.scalars(select(Workspace.created_at)).one()
    assert stored == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(StatementError, match="naive"), sessions.begin() as session:
        session.add(Workspace(platform="slack", external_id="T1", settings={}, created_at=datetime(2026, 11, 26)))
