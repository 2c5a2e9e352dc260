"""What /target does for each of its forms: one service call and the reply. Listener-side glue, no SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.slack.blocks.kit import Message
from bot.slack.blocks.targets import (
    build_done_message,
    build_suggestion_message,
    build_target_list_message,
    build_target_set_message,
)
from bot.target_grammar import ClearTargets, ListTargets, SetRamp, SetTarget, TargetCommand
from metrics.records import RepContext, Role
from metrics.services import suggestions, targets, teams


def carry_out(
    session: Session, parsed: TargetCommand, asker: RepContext, other: RepContext | None, now: datetime
) -> Message:
    """Carry out one parsed /target command in the caller's transaction and build the reply."""
    rep_id = other.rep_id if other else None
    if isinstance(parsed, SetTarget):
        view = targets.set_target(
            session,
            asker=asker,
            subject=parsed.subject,
            metric_key=parsed.metric_key,
            amount=parsed.amount,
            period_kind=parsed.period,
            now=now,
            rep_id=rep_id,
            team_name=parsed.team_name,
        )
        return build_target_set_message(view)
    if isinstance(parsed, ListTargets):
        views = targets.list_targets(session, asker=asker, now=now, rep_id=rep_id)
        whose = other.display_name if other else ("you" if asker.role is Role.REP else "you and your teams")
        return build_target_list_message(views, whose)
    if isinstance(parsed, ClearTargets):
        if parsed.team_words and teams.find_team(session, asker.workspace_id, parsed.team_words):
            parsed = ClearTargets(parsed.subject, None, parsed.period, parsed.team_words)  # "inside sales" is a team
        count = targets.clear_targets(
            session,
            asker=asker,
            subject=parsed.subject,
            now=now,
            rep_id=rep_id,
            metric_key=parsed.metric_key,
            period_kind=parsed.period,
            team_name=parsed.team_name,
        )
        return build_done_message(f"Cleared {count} target{'s' if count != 1 else ''}." if count else "No such target.")
    if isinstance(parsed, SetRamp):
        return build_done_message(
            targets.set_ramp(
                session, asker=asker, rep_id=rep_id or asker.rep_id, percent=parsed.percent, until=parsed.until, now=now
            )
        )
    suggestion = suggestions.suggest(
        session, asker=asker, rep_id=rep_id or asker.rep_id, metric_key=parsed.metric_key, now=now
    )
    return build_suggestion_message(suggestion)
