"""Properties of the ledger, checked on random sequences of logs and undos."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from metrics.models import Entry
from metrics.periods import PeriodKind
from metrics.records import Platform, RepContext
from metrics.services import scorecards, undo
from tests.factories import T0, log, make_rep

METRICS = ["dials", "meetings", "emails", "opportunities"]
step = st.one_of(
    st.tuples(st.just("log"), st.dictionaries(st.sampled_from(METRICS), st.integers(1, 5), min_size=1)),
    st.tuples(st.just("undo"), st.integers(0, 20)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, max_size=15))
def test_totals_equal_the_logs_that_were_not_undone(sessions: sessionmaker[Session], steps: list[tuple]) -> None:
    rep = make_rep(sessions)
    with sessions.begin() as session:
        session.execute(delete(Entry))  # hypothesis reuses the fixture's database across examples
    live: dict[str, Counter[str]] = {}
    for number, (kind, argument) in enumerate(steps):
        now = T0 + timedelta(seconds=number)
        if kind == "log":
            live[log(sessions, rep, argument, now=now).batch_id] = Counter(argument)
        elif live:
            batch_id = list(live)[argument % len(live)]
            _undo(sessions, rep, batch_id)
            del live[batch_id]
    expected = sum(live.values(), Counter())
    with sessions.begin() as session:
        card = scorecards.scorecard(session, asker=rep, now=T0 + timedelta(minutes=5), window=PeriodKind.DAY)
    assert {line.metric.key: line.actual for line in card.numbers.lines if line.actual} == dict(expected)
    weights = {spec.key: spec.points for spec in rep.metrics}
    assert card.numbers.points == sum(weights[key] * quantity for key, quantity in expected.items())


def _undo(sessions: sessionmaker[Session], rep: RepContext, batch_id: str) -> None:
    with sessions.begin() as session:
        assert not undo.undo_log(session, rep=rep, batch_id=batch_id, source=Platform.SLACK, now=T0).already_undone
