"""Teams: creating them, putting reps in them, listing them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from metrics.errors import UsageError
from metrics.models import Rep, Team
from metrics.records import RepContext
from metrics.services import access, audit


def create_team(session: Session, *, asker: RepContext, name: str, channel_id: str | None, now: datetime) -> Team:
    """A new team, optionally posting to a channel.

    Raises:
        NotAllowed: the asker is not an admin. UsageError: no name, or the name is taken.
    """
    access.require_admin(asker, "create teams")
    name = " ".join(name.split())[:100]
    if not name:
        raise UsageError("Name the team, e.g. `/tally team create Inside Sales #sales-floor`.")
    if find_team(session, asker.workspace_id, name) is not None:
        raise UsageError(f"There is already a team called {name}.")
    team = Team(workspace_id=asker.workspace_id, name=name, channel_id=channel_id, created_at=now)
    session.add(team)
    session.flush()
    audit.record(
        session,
        workspace_id=asker.workspace_id,
        actor_rep_id=asker.rep_id,
        action="team",
        summary=f"created team {name}" + (f" posting to <#{channel_id}>" if channel_id else ""),
        now=now,
    )
    return team


def add_to_team(
    session: Session, *, asker: RepContext, rep_ids: Iterable[int], team_name: str | None, now: datetime
) -> tuple[str, list[str]]:
    """Put reps into a team (the named one, or the one team the asker manages). Returns (team, names).

    Raises:
        UsageError: no reps, or no way to tell which team. NotAllowed: the asker does not manage the team, or
        a rep already belongs to a team they do not manage (a manager cannot take another team's rep).
    """
    team = team_for(session, asker, team_name)
    access.require_manage_team(session, asker, team.id)
    names = []
    for rep_id in rep_ids:
        rep = access.rep_in_workspace(session, asker, rep_id)
        if rep.team_id is not None and rep.team_id != team.id:
            access.require_manage_team(session, asker, rep.team_id)
        rep.team_id = team.id
        names.append(rep.display_name)
    if not names:
        raise UsageError("Mention who to add, e.g. `/tally team add @bob @carol`.")
    audit.record(
        session,
        workspace_id=asker.workspace_id,
        actor_rep_id=asker.rep_id,
        action="team",
        summary=f"added {', '.join(names)} to {team.name}",
        now=now,
    )
    return team.name, names


def find_team(session: Session, workspace_id: int, name: str | None) -> Team | None:
    """The team called `name` (case-insensitive)."""
    if not name:
        return None
    return session.scalars(
        select(Team).where(Team.workspace_id == workspace_id, func.lower(Team.name) == " ".join(name.split()).lower())
    ).first()


@dataclass(frozen=True, slots=True)
class TeamSummary:
    """A team as people read it."""

    name: str
    channel_id: str | None
    manager: str | None
    members: tuple[str, ...]


def teams(session: Session, workspace_id: int) -> list[TeamSummary]:
    """Every team with its members' names and its manager's name (three queries, however many teams)."""
    names = dict(session.execute(select(Rep.id, Rep.display_name).where(Rep.workspace_id == workspace_id)).all())
    members: dict[int, list[str]] = {}
    for team_id, name in session.execute(
        select(Rep.team_id, Rep.display_name).where(Rep.workspace_id == workspace_id, Rep.team_id.is_not(None))
    ):
        if team_id is not None:
            members.setdefault(team_id, []).append(name)
    every = session.scalars(select(Team).where(Team.workspace_id == workspace_id).order_by(Team.name))
    return [
        TeamSummary(
            team.name,
            team.channel_id,
            names.get(team.manager_rep_id) if team.manager_rep_id else None,
            tuple(sorted(members.get(team.id, []))),
        )
        for team in every
    ]


def team_for(session: Session, asker: RepContext, team_name: str | None) -> Team:
    """The named team, else the one team the asker manages, else the workspace's only team.

    Raises:
        UsageError: no such team, or no way to tell which.
    """
    if team_name:
        team = find_team(session, asker.workspace_id, team_name)
        if team is None:
            raise UsageError(f"There is no team called {team_name}.")
        return team
    candidates = access.managed_team_ids(session, asker)
    if len(candidates) != 1:
        every = list(session.scalars(select(Team.id).where(Team.workspace_id == asker.workspace_id)))
        candidates = set(every) if len(every) == 1 else candidates
    if len(candidates) != 1:
        raise UsageError("Which team? e.g. `/tally team add @bob @carol to Inside Sales`.")
    return session.get_one(Team, next(iter(candidates)))


def set_channel(
    session: Session,
    *,
    asker: RepContext,
    team_name: str | None,
    channel_id: str,
    reference: dict[str, Any] | None,
    now: datetime,
) -> Team:
    """Make `channel_id` the channel a team's standings, celebrations and digests post to.

    Args:
        session: an open transaction.
        asker: who asked (an admin, or the team's manager).
        team_name: the team (None: the one team the asker manages, or the workspace's only team).
        channel_id: the platform's id of the channel.
        reference: what the platform needs to post there unprompted (Teams' conversation reference, opaque
            here); None where the id is enough (Slack).
        now: the instant, for the audit log.

    Raises:
        UsageError: no such team, or no way to tell which. NotAllowed: the asker does not manage the team.
    """
    team = team_for(session, asker, team_name)
    access.require_manage_team(session, asker, team.id)
    team.channel_id = channel_id[:255]
    team.channel_ref = reference
    audit.record(
        session,
        workspace_id=asker.workspace_id,
        actor_rep_id=asker.rep_id,
        action="team",
        summary=f"{team.name} now posts to its channel {channel_id[:120]}",
        now=now,
    )
    return team


def refresh_channel_reference(
    session: Session, *, workspace_id: int, channel_id: str, reference: dict[str, Any]
) -> int:
    """Keep the stored reference of every team posting to `channel_id` current (Teams may move a conversation
    to another service URL); called whenever Tally hears from that channel. Returns how many teams it updated."""
    result = session.execute(
        update(Team)
        .where(Team.workspace_id == workspace_id, Team.channel_id == channel_id, Team.channel_ref.is_not(None))
        .values(channel_ref=reference)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
