"""Who may see and change what.

Reps see their own numbers and their team's; managers see and set those of the reps in the teams they manage;
admins see and set everyone's. Nobody sees anything of another workspace: a person of another workspace is
"unknown", never "not allowed", so the answer leaks nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.errors import NotAllowed, UnknownRep
from metrics.models import Rep, Team
from metrics.records import RepContext, Role


def managed_team_ids(session: Session, asker: RepContext) -> set[int]:
    """The teams the asker manages (as a manager, of teams naming them; an admin manages every team)."""
    query = select(Team.id).where(Team.workspace_id == asker.workspace_id)
    if asker.role is not Role.ADMIN:
        if asker.role is not Role.MANAGER:
            return set()
        query = query.where(Team.manager_rep_id == asker.rep_id)
    return set(session.scalars(query))


def rep_in_workspace(session: Session, asker: RepContext, rep_id: int) -> Rep:
    """The rep, if they belong to the asker's workspace.

    Raises:
        UnknownRep: otherwise (including a rep of another workspace).
    """
    rep = session.get(Rep, rep_id)
    if rep is None or rep.workspace_id != asker.workspace_id:
        raise UnknownRep("I don't know that person in this workspace yet (they haven't used Tally).")
    return rep


def can_manage_rep(session: Session, asker: RepContext, rep: Rep) -> bool:
    """True for an admin, or a manager of the rep's team."""
    if asker.role is Role.ADMIN:
        return True
    return rep.team_id is not None and rep.team_id in managed_team_ids(session, asker)


def require_view_rep(session: Session, asker: RepContext, rep_id: int, what: str = "numbers") -> Rep:
    """The rep whose individual numbers the asker wants: themselves, or one they manage.

    Raises:
        UnknownRep: not a person of this workspace.
        NotAllowed: a rep asking about someone else, or a manager about another team's rep.
    """
    rep = rep_in_workspace(session, asker, rep_id)
    if rep.id != asker.rep_id and not can_manage_rep(session, asker, rep):
        raise NotAllowed(f"Only {rep.display_name}'s manager or an admin can see their {what}.")
    return rep


def require_manage_rep(session: Session, asker: RepContext, rep_id: int, what: str = "targets") -> Rep:
    """The rep whose settings the asker wants to change: one they manage (an admin: anyone).

    Raises:
        UnknownRep: not a person of this workspace.
        NotAllowed: the asker does not manage the rep.
    """
    rep = rep_in_workspace(session, asker, rep_id)
    if not can_manage_rep(session, asker, rep):
        raise NotAllowed(f"Only {rep.display_name}'s manager or an admin can change their {what}.")
    return rep


def require_manage_team(session: Session, asker: RepContext, team_id: int) -> None:
    """Refuse unless the asker manages the team (or is an admin)."""
    if team_id not in managed_team_ids(session, asker):
        raise NotAllowed("Only the team's manager or an admin can do that.")


def require_admin(asker: RepContext, what: str = "do that") -> None:
    """Refuse unless the asker is an admin of the workspace."""
    if asker.role is not Role.ADMIN:
        raise NotAllowed(f"Only an admin can {what}. Ask your admin, or run `/tally setup` in a new workspace.")
