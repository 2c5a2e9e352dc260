"""/kpis: the eight KPIs for the asker, a mentioned rep, their team or everyone, over a period."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.kpis_grammar import parse_kpis
from bot.slack.blocks.kpis import build_kpi_card_message
from bot.slack.people import acting_rep, mentioned_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from metrics.services import kpi_cards


def handle_kpis(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Reply ephemerally with a KPI card."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    words = read_command_text(command.get("text", ""))
    mentions = list(words.mentions)
    request = parse_kpis(words.text, today=rep.today(now), week_start=rep.week_start, mentioned=bool(mentions))
    with runtime.sessions.begin() as session:
        other = mentioned_rep(session, context, mentions)
        card = kpi_cards.kpi_card(
            session, asker=rep, audience=request.audience, period=request.period, now=now, rep_id=other
        )
    respond(**build_kpi_card_message(card), response_type="ephemeral")
