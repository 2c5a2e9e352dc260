"""log, Undo, scorecard, standings and kpis as Teams messages: parse, one transaction, a card.

In a channel or group chat the reply is seen by everyone there, so standings are the public board (opted-out reps
as "a teammate") and nobody's numbers but the asker's own are shown.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.chat_actions import carry_out_log, quick_log_request, read_standings
from bot.grammar import LogCommand, OpenLogForm, parse_log_command
from bot.kpis_grammar import parse_kpis
from bot.msteams.cards.kit import card, task_button, text
from bot.msteams.cards.ledger import build_deal_logged_reply, build_logged_reply, build_undone_reply
from bot.msteams.cards.plans import build_kpis_reply
from bot.msteams.cards.replies import LOG_FORM, LOG_SEVERAL, Reply
from bot.msteams.cards.scorecard import build_scorecard_reply, build_standings_reply
from bot.msteams.people import named_rep_id
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.turns import Turn
from bot.period_grammar import parse_window
from bot.standings_grammar import parse_standings
from metrics.deal_records import DealReceipt
from metrics.errors import NotAllowed
from metrics.records import RepContext, Role, UndoReceipt
from metrics.services import kpi_cards, ledger, scorecards, undo

SCORECARD_USAGE = "Try `scorecard`, `scorecard month`, `scorecard today` or (managers) `scorecard @bob quarter`."


def handle_log(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """log …: activity, a deal, or undo the last log; `log` alone offers the form."""
    parsed = parse_log_command(words, metrics=rep.metrics, today=rep.today(now), backdate_days=rep.backdate_days)
    if isinstance(parsed, OpenLogForm):
        offer = "Log several metrics at once:"
        return Reply(
            offer, card([text(offer)], fallback=offer, actions=[task_button(LOG_SEVERAL, {"tally": LOG_FORM})])
        )
    return _carry_out(runtime, parsed, rep, turn.key, now)


def _carry_out(runtime: TeamsRuntime, parsed: LogCommand, rep: RepContext, key: str, now: datetime) -> Reply:
    with runtime.sessions.begin() as session:
        done = carry_out_log(session, parsed, rep, source=runtime.source, key=key, now=now)
    if isinstance(done, UndoReceipt):
        return build_undone_reply(done)
    if isinstance(done, DealReceipt):
        return build_deal_logged_reply(done, rep.today(now))
    return build_logged_reply(done, rep.today(now))


def handle_quick_log(runtime: TeamsRuntime, turn: Turn, rep: RepContext, value: str, now: datetime) -> Reply:
    """A nudge's one-tap button (`+10 dials`): log its `metric:quantity` for today; a redelivered press counts once."""
    request = quick_log_request(value, rep.today(now))
    with runtime.sessions.begin() as session:
        receipt = ledger.log_activity(
            session, rep=rep, request=request, source=runtime.source, now=now, idempotency_key=turn.key
        )
    return build_logged_reply(receipt, rep.today(now))


def handle_undo_button(runtime: TeamsRuntime, rep: RepContext, batch_id: str, now: datetime) -> Reply:
    """The Undo button under a log: reverse exactly that log, once; a second press changes nothing."""
    with runtime.sessions.begin() as session:
        receipt = undo.undo_log(session, rep=rep, batch_id=batch_id, source=runtime.source, now=now)
    # It takes the confirmation's place; a refusal (someone else's log) is a new message and leaves it be.
    return dataclasses.replace(build_undone_reply(receipt), replace_original=True)


def handle_scorecard(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """scorecard [@rep] [period]: the asker's card, or a rep's they may see (in the 1:1 chat only)."""
    window = parse_window(words, usage=SCORECARD_USAGE)
    other = named_rep_id(runtime, turn, now)
    with runtime.sessions.begin() as session:
        card_ = scorecards.scorecard(session, asker=rep, now=now, rep_id=other, window=window)
    return build_scorecard_reply(card_)


def handle_standings(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """standings [score|points|metric] [period] [team NAME] [post]: the team's board."""
    asked = parse_standings(words, rep.metrics)
    if asked.post and rep.role is Role.REP:
        raise NotAllowed("Managers and admins post standings; `standings` shows them to you.")
    with runtime.sessions.begin() as session:
        board = read_standings(session, rep, asked, now, public=asked.post or not turn.personal)
    return build_standings_reply(board)


def handle_kpis(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """kpis [period] [team|everyone|@rep]: the eight KPIs."""
    request = parse_kpis(words, today=rep.today(now), week_start=rep.week_start, mentioned=bool(turn.mentions))
    other = named_rep_id(runtime, turn, now)
    with runtime.sessions.begin() as session:
        kpis = kpi_cards.kpi_card(
            session, asker=rep, audience=request.audience, period=request.period, now=now, rep_id=other
        )
    return build_kpis_reply(kpis)
