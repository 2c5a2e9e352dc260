"""Which rows of each table belong to one workspace, for `tally db copy --workspace`.

Every table needs a rule, so that a table added later is either copied or refused, never silently left behind:

* the workspace table itself: the workspace's row;
* a table with a `workspace_id` column: its rows of that workspace;
* a table keyed by the chat platform's id of the workspace (slack_sdk's OAuth installation tables keep Slack's
  team id, not ours): the rows holding that id, named in TEAM_KEYED;
* a table of the whole installation (belonging to no workspace): copied only by a full copy, named in SHARED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Table, false, or_, select

from metrics.errors import DomainError
from metrics.models import Workspace

# Table → the column holding the workspace's platform id (Slack's team id). An org-wide Enterprise Grid install
# has no team id: it belongs to no single workspace, so only a full copy takes it.
TEAM_KEYED: dict[str, str] = {"slack_installations": "team_id", "slack_bots": "team_id"}
# Tables of the whole installation, belonging to no workspace: short-lived OAuth `state` values, and the
# scheduler's heartbeats and job counts (the ops tables), requests seen (redelivery guard).
SHARED: frozenset[str] = frozenset({"slack_oauth_states", "scheduler_beat", "job_stat", "seen_request"})


class CopyRefused(DomainError):
    """The copy cannot start (or was rolled back); the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What a copy covers: one workspace (its id and platform id), or everything when `workspace_id` is None."""

    workspace_id: int | None = None
    external_id: str | None = None
    label: str = "every workspace"

    @property
    def everything(self) -> bool:
        """Whether the copy takes every row of every table."""
        return self.workspace_id is None


def choose_scope(connection: Connection, selector: str | None) -> Scope:
    """The scope named by `selector` (a workspace's platform id or its name); everything when None.

    Raises:
        CopyRefused: no workspace matches, or the name matches several.
    """
    if selector is None:
        return Scope()
    workspace = Workspace.__table__
    found = connection.execute(
        select(workspace).where(or_(workspace.c.external_id == selector, workspace.c.name == selector))
    ).all()
    if len(found) != 1:
        every = connection.execute(select(workspace.c.external_id, workspace.c.name, workspace.c.platform)).all()
        known = ", ".join(f"{external} ({name or platform})" for external, name, platform in every) or "none"
        problem = "There is no workspace" if not found else "Several workspaces are called"
        raise CopyRefused(f"{problem} {selector!r} in the source database; use one of: {known}.")
    row = found[0]
    label = f"workspace {row.external_id}" + (f" ({row.name})" if row.name else "")
    return Scope(row.id, row.external_id, label)


def check_rules(tables: Sequence[Table]) -> None:
    """Refuse a workspace copy if some table has no rule saying which of its rows belong to a workspace.

    Raises:
        CopyRefused: naming every such table.
    """
    missing = [table.name for table in tables if not _has_rule(table)]
    if missing:
        raise CopyRefused(
            f"Tally does not know which rows of {', '.join(missing)} belong to a workspace, so it cannot copy one "
            "workspace alone (a full copy, without --workspace, can). Add a rule in metrics/copy_scope.py."
        )


def rows_of(table: Table, scope: Scope) -> ColumnElement[bool] | None:
    """The condition picking `table`'s rows in `scope` (None: every row; a false condition: none)."""
    if scope.everything:
        return None
    if table.name == Workspace.__tablename__:
        return table.c.id == scope.workspace_id
    if "workspace_id" in table.c:
        return table.c.workspace_id == scope.workspace_id
    if table.name in TEAM_KEYED:
        return table.c[TEAM_KEYED[table.name]] == scope.external_id
    if table.name in SHARED:
        return false()
    raise CopyRefused(f"Tally has no rule for the rows of {table.name}.")


def _has_rule(table: Table) -> bool:
    return (
        table.name == Workspace.__tablename__
        or "workspace_id" in table.c
        or table.name in TEAM_KEYED
        or table.name in SHARED
    )
