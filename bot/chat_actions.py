"""What `log` and `standings` do, for every front end: the service calls in the caller's transaction, and a
result for the front end to word (Slack's Block Kit or Teams' Adaptive Cards)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.grammar import LogCommand, OpenLogForm, UndoLast
from bot.standings_grammar import StandingsRequest
from metrics.deal_records import DealReceipt, DealRequest
from metrics.records import LogReceipt, Platform, RepContext, UndoReceipt
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
