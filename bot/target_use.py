"""What `target` does for each of its forms, for every front end: one service call, and a result to word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.target_grammar import ClearTargets, ListTargets, SetRamp, SetTarget, TargetCommand
from metrics.records import RepContext, Role
from metrics.services import suggestions, targets, teams
from metrics.services.suggestions import Suggestion
from metrics.services.targets import TargetView


@dataclass(frozen=True, slots=True)
class TargetList:
    """The targets in force, and whose they are ("you", "you and your teams", a rep's name)."""

    views: list[TargetView]
    whose: str


TargetResult = TargetView | TargetList | Suggestion | str  # str: a one-line confirmation


def carry_out_target(
    session: Session, parsed: TargetCommand, asker: RepContext, other: RepContext | None, now: datetime
) -> TargetResult:
    """Carry out one parsed target command in the caller's transaction."""
    rep_id = other.rep_id if other else None
    if isinstance(parsed, SetTarget):
        return targets.set_target(
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
    if isinstance(parsed, ListTargets):
        views = targets.list_targets(session, asker=asker, now=now, rep_id=rep_id)
        whose = other.display_name if other else ("you" if asker.role is Role.REP else "you and your teams")
        return TargetList(views, whose)
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
        return f"Cleared {count} target{'s' if count != 1 else ''}." if count else "No such target."
    if isinstance(parsed, SetRamp):
        return targets.set_ramp(
            session, asker=asker, rep_id=rep_id or asker.rep_id, percent=parsed.percent, until=parsed.until, now=now
        )
    return suggestions.suggest(
        session, asker=asker, rep_id=rep_id or asker.rep_id, metric_key=parsed.metric_key, now=now
    )
