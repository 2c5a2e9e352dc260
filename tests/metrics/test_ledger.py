"""The ledger service: logs, idempotency, undo, reversal, caps and the backdating window."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from metrics.errors import InvalidActivity, UnknownLog, UsageError
from metrics.models import Entry
from metrics.records import LogItem, LogRequest, Platform
from metrics.services import ledger, undo
from tests.factories import T0, entry_count, log, make_rep


def test_a_log_writes_one_row_per_metric_for_the_reps_local_day(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions, tz="America/Los_Angeles")
    receipt = log(sessions, rep, {"dials": 12, "meetings": 3}, tags=("newpitch",))
    with sessions.begin() as session:
        rows = session.scalars(select(Entry).order_by(Entry.id)).all()
        assert [(row.quantity, row.local_day, row.tag, row.source) for row in rows] == [
            (12, date(2026, 11, 26), "newpitch", "slack"),
            (3, date(2026, 11, 26), "newpitch", "slack"),
        ]
        assert len({row.batch_id for row in rows}) == 1 and rows[0].created_at == T0
    assert [(t.metric.key, t.quantity) for t in receipt.items] == [("dials", 12), ("meetings", 3)]
    assert receipt.day_points == 12 * 1 + 3 * 10
    assert not receipt.duplicate


def test_day_totals_in_the_receipt_include_earlier_logs(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"dials": 10})
    receipt = log(sessions, rep, {"dials": 5, "emails": 2})
    assert {t.metric.key: t.quantity for t in receipt.day_totals} == {"dials": 15, "emails": 2}


def test_the_same_idempotency_key_is_counted_once(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    first = log(sessions, rep, {"dials": 12}, key="trigger-1")
    again = log(sessions, rep, {"dials": 12}, key="trigger-1")
    assert entry_count(sessions) == 1
    assert again.duplicate and again.batch_id == first.batch_id
    assert [(t.metric.key, t.quantity) for t in again.items] == [("dials", 12)]


def test_concurrent_requests_with_one_key_write_once(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    barrier = threading.Barrier(6)
    results = []

    def attempt() -> None:
        barrier.wait()
        results.append(log(sessions, rep, {"dials": 7, "emails": 1}, key="trigger-race"))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert entry_count(sessions) == 2
    assert len({receipt.batch_id for receipt in results}) == 1
    assert sum(not receipt.duplicate for receipt in results) == 1


def test_same_key_in_another_workspace_is_a_different_request(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions, team="T1")
    zed = make_rep(sessions, team="T2", user="UZED", name="Zed")
    log(sessions, alice, {"dials": 1}, key="k")
    log(sessions, zed, {"dials": 1}, key="k")
    assert entry_count(sessions) == 2


def test_undo_reverses_exactly_that_log_once(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    keep = log(sessions, rep, {"dials": 10})
    mistake = log(sessions, rep, {"dials": 20, "meetings": 1})
    with sessions.begin() as session:
        undone = undo.undo_log(session, rep=rep, batch_id=mistake.batch_id, source=Platform.SLACK, now=T0)
    with sessions.begin() as session:
        twice = undo.undo_log(session, rep=rep, batch_id=mistake.batch_id, source=Platform.SLACK, now=T0)
    assert not undone.already_undone and twice.already_undone
    assert [(t.metric.key, t.quantity) for t in undone.items] == [("dials", 20), ("meetings", 1)]
    with sessions.begin() as session:
        rows = session.scalars(select(Entry).order_by(Entry.id)).all()
    assert [row.quantity for row in rows] == [10, 20, 1, -20, -1]
    assert rows[3].reverses_id == rows[1].id and rows[4].reverses_id == rows[2].id
    assert keep.batch_id == rows[0].batch_id


def test_concurrent_undos_reverse_once(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    receipt = log(sessions, rep, {"dials": 20})
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt_undo() -> None:
        barrier.wait()
        with sessions.begin() as session:
            outcomes.append(undo.undo_log(session, rep=rep, batch_id=receipt.batch_id, source=Platform.SLACK, now=T0))

    threads = [threading.Thread(target=attempt_undo) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(not outcome.already_undone for outcome in outcomes) == 1
    assert entry_count(sessions) == 2


def test_undo_last_walks_back_one_log_at_a_time(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"dials": 1})
    log(sessions, rep, {"dials": 2}, now=T0 + timedelta(minutes=1))
    undone = []
    for _ in range(2):
        with sessions.begin() as session:
            undone.append(undo.undo_last(session, rep=rep, source=Platform.SLACK, now=T0 + timedelta(minutes=2)))
    assert [receipt.items[0].quantity for receipt in undone] == [2, 1]
    with sessions.begin() as session, pytest.raises(UnknownLog, match="no logs to undo"):
        undo.undo_last(session, rep=rep, source=Platform.SLACK, now=T0)


def test_nobody_can_undo_someone_elses_log(sessions: sessionmaker[Session]) -> None:
    alice = make_rep(sessions)
    bob = make_rep(sessions, user="UBOB", name="Bob")
    outsider = make_rep(sessions, team="T9", user="UALICE", name="Alice elsewhere")
    receipt = log(sessions, alice, {"dials": 5})
    for intruder in (bob, outsider):
        with sessions.begin() as session, pytest.raises(UnknownLog):
            undo.undo_log(session, rep=intruder, batch_id=receipt.batch_id, source=Platform.SLACK, now=T0)
    with sessions.begin() as session, pytest.raises(UnknownLog):
        undo.undo_log(session, rep=alice, batch_id="no-such-batch", source=Platform.SLACK, now=T0)
    assert entry_count(sessions) == 1


def test_reverse_entry_cancels_one_metric_of_a_log(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"dials": 12, "meetings": 3})
    with sessions.begin() as session:
        meeting_row = session.scalars(select(Entry).where(Entry.quantity == 3)).one()
    with sessions.begin() as session:
        first = ledger.reverse_entry(session, rep=rep, entry_id=meeting_row.id, source=Platform.SLACK, now=T0)
    with sessions.begin() as session:
        second = ledger.reverse_entry(session, rep=rep, entry_id=meeting_row.id, source=Platform.SLACK, now=T0)
    assert not first.already_undone and second.already_undone
    with sessions.begin() as session:
        reversal = session.scalars(select(Entry).where(Entry.reverses_id == meeting_row.id)).one()
        assert reversal.quantity == -3
        with pytest.raises(UnknownLog):
            ledger.reverse_entry(session, rep=rep, entry_id=reversal.id, source=Platform.SLACK, now=T0)


@pytest.mark.parametrize(
    ("items", "day_offset", "error", "says"),
    [
        ({"dials": 0}, 0, InvalidActivity, "1 or more"),
        ({"dials": -3}, 0, InvalidActivity, "1 or more"),
        ({"dials": 501}, 0, InvalidActivity, "at most 500"),
        ({"dials": 1}, 1, InvalidActivity, "future day"),
        ({"dials": 1}, -8, InvalidActivity, "up to 7 days back"),
        ({"unicorns": 1}, 0, UsageError, "no metric called"),
        ({}, 0, UsageError, "what to log"),
    ],
)
def test_refused_logs_write_nothing(
    sessions: sessionmaker[Session], items: dict[str, int], day_offset: int, error: type[Exception], says: str
) -> None:
    rep = make_rep(sessions)
    request = LogRequest(
        items=tuple(LogItem(k, q) for k, q in items.items()), day=rep.today(T0) + timedelta(days=day_offset)
    )
    with sessions.begin() as session, pytest.raises(error, match=says):
        ledger.log_activity(session, rep=rep, request=request, source=Platform.SLACK, now=T0)
    assert entry_count(sessions) == 0


def test_a_days_total_may_not_pass_the_cap(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    log(sessions, rep, {"meetings": 30})
    with pytest.raises(InvalidActivity, match="would make 41 meetings for the day"):
        log(sessions, rep, {"meetings": 11, "dials": 5})
    assert entry_count(sessions) == 1  # the dials in the refused log were not written either
    log(sessions, rep, {"meetings": 10})


def test_an_undone_log_frees_its_share_of_the_cap(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    receipt = log(sessions, rep, {"meetings": 40})
    with sessions.begin() as session:
        undo.undo_log(session, rep=rep, batch_id=receipt.batch_id, source=Platform.SLACK, now=T0)
    log(sessions, rep, {"meetings": 40})
