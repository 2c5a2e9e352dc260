"""The four exports as queries: one SELECT each, read in chunks (a server-side cursor on PostgreSQL), so a
workspace with millions of ledger rows is written out without holding them in memory.

Each export is a list of columns (a name a spreadsheet user understands and a kind that says how to write the
value) and the rows of one statement, in the columns' order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, not_, select
from sqlalchemy.orm import Session, aliased

from metrics.models import Account, AuditLog, ChatIdentity, Deal, Entry, MetricDef, Rep, Target, Team, Workspace

CHUNK = 2000  # rows fetched at a time


class ExportKind(StrEnum):
    """What can be exported."""

    ENTRIES = "entries"
    DEALS = "deals"
    TARGETS = "targets"
    AUDIT = "audit"


class Cell(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    NUMBER = "number"  # an integer id or count
    DAY = "day"  # a calendar date, ISO 8601
    TIME = "time"  # an instant, ISO 8601 in UTC
    MONEY = "money"  # a Decimal to the cent, as a string (never a float)
    AMOUNT = "amount"  # a Decimal without trailing zeros, as a string
    FLAG = "flag"  # true when the value is truthy
    DATA = "data"  # a JSON object


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an export."""

    name: str
    cell: Cell


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """An export's columns and the one statement that yields its rows."""

    columns: tuple[Column, ...]
    statement: Select[Any]

    def rows(self, session: Session) -> Iterator[tuple[Any, ...]]:
        """The rows, fetched CHUNK at a time."""
        yield from session.execute(self.statement.execution_options(yield_per=CHUNK))


def export_query(session: Session, workspace_id: int, kind: ExportKind) -> ExportQuery:
    """The columns and statement of one export of one workspace."""
    platform = session.scalar(select(Workspace.platform).where(Workspace.id == workspace_id)) or "chat"
    user_ids = _user_ids(workspace_id, platform)
    user_column = f"{platform}_user_id"
    build = {ExportKind.ENTRIES: _entries, ExportKind.DEALS: _deals, ExportKind.TARGETS: _targets}
    if kind is ExportKind.AUDIT:
        return _audit(workspace_id, user_ids, user_column)
    return build[kind](workspace_id, user_ids, user_column)


def _user_ids(workspace_id: int, platform: str) -> Subquery:
    """Each rep's chat user id on the workspace's platform (one row per rep, so a join never repeats a row)."""
    return (
        select(ChatIdentity.rep_id, func.min(ChatIdentity.external_user_id).label("user_id"))
        .where(ChatIdentity.workspace_id == workspace_id, ChatIdentity.platform == platform)
        .group_by(ChatIdentity.rep_id)
        .subquery()
    )


Columns = list[tuple[str, Cell, ColumnElement[Any] | Any]]


def _select(columns: Columns) -> Select[Any]:
    return select(*(expression for _, _, expression in columns))


def _query(columns: Columns, statement: Select[Any]) -> ExportQuery:
    return ExportQuery(columns=tuple(Column(name, cell) for name, cell, _ in columns), statement=statement)


def _entries(workspace_id: int, user_ids: Subquery, user_column: str) -> ExportQuery:
    undo = aliased(Entry)
    columns = [
        ("entry_id", Cell.NUMBER, Entry.id),
        ("local_day", Cell.DAY, Entry.local_day),
        ("rep", Cell.TEXT, Rep.display_name),
        (user_column, Cell.TEXT, user_ids.c.user_id),
        ("metric", Cell.TEXT, MetricDef.key),
        ("quantity", Cell.NUMBER, Entry.quantity),
        ("source", Cell.TEXT, Entry.source),
        ("tag", Cell.TEXT, Entry.tag),
        ("created_at", Cell.TIME, Entry.created_at),
        ("log_id", Cell.TEXT, Entry.batch_id),
        ("undone", Cell.FLAG, undo.id),  # a later row cancels this one
        ("undoes_entry_id", Cell.NUMBER, Entry.reverses_id),  # this row cancels that one
    ]
    statement = (
        _select(columns)
        .select_from(Entry)
        .join(Rep, Rep.id == Entry.rep_id)
        .join(MetricDef, MetricDef.id == Entry.metric_id)
        .outerjoin(user_ids, user_ids.c.rep_id == Entry.rep_id)
        .outerjoin(undo, undo.reverses_id == Entry.id)
        .where(Entry.workspace_id == workspace_id)
        .order_by(Entry.id)
    )
    return _query(columns, statement)


def _deals(workspace_id: int, user_ids: Subquery, user_column: str) -> ExportQuery:
    columns = [
        ("deal_id", Cell.NUMBER, Deal.id),
        ("crm_id", Cell.TEXT, Deal.external_id),
        ("owner", Cell.TEXT, Rep.display_name),
        (f"owner_{user_column}", Cell.TEXT, user_ids.c.user_id),
        ("account", Cell.TEXT, Account.name),
        ("product", Cell.TEXT, Deal.product),
        ("stage", Cell.TEXT, Deal.stage),
        ("amount", Cell.MONEY, Deal.amount),
        ("cost", Cell.MONEY, Deal.cost),
        ("created_on", Cell.DAY, Deal.created_on),
        ("closed_on", Cell.DAY, Deal.closed_on),
        ("contract_months", Cell.NUMBER, Deal.contract_months),
        ("contract_ends_on", Cell.DAY, Deal.contract_ends_on),
        ("recurring", Cell.FLAG, Deal.recurring),
        ("source", Cell.TEXT, Deal.source),
        ("withdrawn", Cell.FLAG, not_(Deal.active)),  # undone in chat: counts nowhere
        ("created_at", Cell.TIME, Deal.created_at),
        ("updated_at", Cell.TIME, Deal.updated_at),
    ]
    statement = (
        _select(columns)
        .select_from(Deal)
        .join(Rep, Rep.id == Deal.owner_rep_id)
        .outerjoin(Account, Account.id == Deal.account_id)
        .outerjoin(user_ids, user_ids.c.rep_id == Deal.owner_rep_id)
        .where(Deal.workspace_id == workspace_id)
        .order_by(Deal.id)
    )
    return _query(columns, statement)


def _targets(workspace_id: int, user_ids: Subquery, user_column: str) -> ExportQuery:
    setter = aliased(Rep)
    columns = [
        ("target_id", Cell.NUMBER, Target.id),
        ("for", Cell.TEXT, Target.subject_kind),
        ("rep", Cell.TEXT, Rep.display_name),
        (user_column, Cell.TEXT, user_ids.c.user_id),
        ("team", Cell.TEXT, Team.name),
        ("metric", Cell.TEXT, MetricDef.key),
        ("period", Cell.TEXT, Target.period_kind),
        ("amount", Cell.AMOUNT, Target.amount),
        ("starts_on", Cell.DAY, Target.starts_on),
        ("ends_on", Cell.DAY, Target.ends_on),
        ("own_goal", Cell.FLAG, Target.stretch),
        ("set_by", Cell.TEXT, setter.display_name),
        ("created_at", Cell.TIME, Target.created_at),
    ]
    statement = (
        _select(columns)
        .select_from(Target)
        .join(MetricDef, MetricDef.id == Target.metric_id)
        .outerjoin(Rep, Rep.id == Target.rep_id)
        .outerjoin(Team, Team.id == Target.team_id)
        .outerjoin(setter, setter.id == Target.set_by_rep_id)
        .outerjoin(user_ids, user_ids.c.rep_id == Target.rep_id)
        .where(Target.workspace_id == workspace_id)
        .order_by(Target.id)
    )
    return _query(columns, statement)


def _audit(workspace_id: int, user_ids: Subquery, user_column: str) -> ExportQuery:
    columns = [
        ("audit_id", Cell.NUMBER, AuditLog.id),
        ("created_at", Cell.TIME, AuditLog.created_at),
        ("actor", Cell.TEXT, func.coalesce(Rep.display_name, "Tally")),
        (f"actor_{user_column}", Cell.TEXT, user_ids.c.user_id),
        ("action", Cell.TEXT, AuditLog.action),
        ("summary", Cell.TEXT, AuditLog.summary),
        ("details", Cell.DATA, AuditLog.details),
    ]
    statement = (
        _select(columns)
        .select_from(AuditLog)
        .outerjoin(Rep, Rep.id == AuditLog.actor_rep_id)
        .outerjoin(user_ids, user_ids.c.rep_id == AuditLog.actor_rep_id)
        .where(AuditLog.workspace_id == workspace_id)
        .order_by(AuditLog.id)
    )
    return _query(columns, statement)
