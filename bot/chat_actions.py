"""What `log` and `standings` do, for every front end: the service calls in the caller's transaction, and a
result for the front end to word (Slack's Block Kit or Teams' Adaptive Cards)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.grammar import LogCommand, OpenLogForm, UndoLast
from bot.standings_grammar import StandingsRequest
from metrics.deal_records import DealReceipt, DealRequest
from metrics.errors import UsageError
from metrics.records import LogItem, LogReceipt, LogRequest, Platform, RepContext, UndoReceipt
from metrics.score_records import Standings
from metrics.services import deals, ledger, standings, undo


def carry_out_log(
    session: Session, parsed: LogCommand, rep: RepContext, *, source: Platform, key: str | None, now: datetime
) -> LogReceipt | DealReceipt | UndoReceipt:
    """Undo the last log, log a deal, or log activity (`key`: the request's idempotency key)."""
    if isinstance(parsed, UndoLast):
        return undo.undo_last(session, rep=rep, source=source, now=now)
    if isinstance(parsed, DealRequest):
        return deals.log_deal(session, rep=rep, request=parsed, source=source, now=now, idempotency_key=key)
    assert not isinstance(parsed, OpenLogForm)  # the front end opens its form instead
    return ledger.log_activity(session, rep=rep, request=parsed, source=source, now=now, idempotency_key=key)


def read_standings(
    session: Session, asker: RepContext, asked: StandingsRequest, now: datetime, *, public: bool
) -> Standings:
    """The board `asked` for; `public` hides opted-out reps (a channel post, or a reply others can read)."""
    return standings.standings(
        session,
        asker=asker,
        now=now,
        ranked_by=asked.ranked_by,
        window=asked.window,
        team_name=asked.team_name,
        public=public,
    )


def quick_log_request(value: str, today: date) -> LogRequest:
    """What a nudge's one-tap button logs: its `metric:quantity` value (e.g. "dials:10"), for today.

    Raises:
        UsageError: the value names no whole quantity.
    """
    metric, _, quantity = value.partition(":")
    if not metric or not quantity.isdigit():
        raise UsageError("That button has nothing to log; try `/log 10 dials`.")  # Teams drops the slash
    return LogRequest(items=(LogItem(metric, int(quantity)),), day=today)
