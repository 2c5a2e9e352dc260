"""Choosing the workspace a command-line import or report works on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from metrics.errors import DomainError
from metrics.models import Workspace
from metrics.records import Platform, WorkspaceDefaults
from metrics.services.identity import new_workspace

LOCAL_ID = "local"


def choose_workspace(
    session: Session, selector: str | None, *, create: bool, defaults: WorkspaceDefaults, now: datetime
) -> Workspace:
    """The workspace named by `selector` (its platform id, e.g. a Slack team id, or its name).

    Without a selector: the only workspace there is; or, with `create`, a new local one when there is none.

    Raises:
        DomainError: no such workspace, or several and no selector to choose between them.
    """
    if selector:
        found = session.scalars(
            select(Workspace).where(or_(Workspace.external_id == selector, Workspace.name == selector))
        ).all()
        if len(found) != 1:
            raise DomainError(
                f"no workspace {selector!r}; known: {_known(session)}"
                if not found
                else f"{selector!r} names several workspaces; use the id: {_known(session)}"
            )
        return found[0]
    every = session.scalars(select(Workspace).order_by(Workspace.id)).all()
    if len(every) == 1:
        return every[0]
    if not every and create:
        workspace = new_workspace(session, Platform.LOCAL, LOCAL_ID, defaults, now)
        workspace.name = "Local"
        return workspace
    if not every:
        raise DomainError("there is no workspace yet: import some data or connect Slack first")
    raise DomainError(f"there are several workspaces; choose one with --workspace: {_known(session)}")


def _known(session: Session) -> str:
    rows = session.execute(select(Workspace.external_id, Workspace.name, Workspace.platform)).all()
    return ", ".join(f"{external} ({name or platform})" for external, name, platform in rows) or "none"
