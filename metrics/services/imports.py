"""Storing imported rows: deals, subscriptions, activities and rep teams, set-based and idempotent.

Each import reads what already exists in a few queries, then inserts the new rows in bulk and updates the
changed ones. Re-importing a file changes nothing. The caller runs one import in one transaction, so a failure
leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.imports.rows import DealRow, ImportProblem, ImportSummary, RepRow, SubscriptionRow
from metrics.imports.values import fold
from metrics.models import Deal, Rep, Subscription, Team
from metrics.periods import add_months
from metrics.services.activity_imports import import_activities
from metrics.services.import_common import (
    Progress,
    accounts_by_name,
    first_of_each,
    reps_by_name,
    summary,
    tick,
    upsert,
)

__all__ = ["import_activities", "import_deals", "import_reps", "import_subscriptions"]


def import_deals(
    session: Session,
    *,
    workspace_id: int,
    rows: Sequence[DealRow],
    problems: Sequence[ImportProblem],
    now: datetime,
    progress: Progress | None = None,
) -> ImportSummary:
    """Insert new deals and update changed ones, matched on the CRM id; reps and accounts made as needed."""
    lines = len(rows) + len(problems)
    rows, duplicates = first_of_each(rows, lambda row: row.external_id, "deal id")
    reps = reps_by_name(session, workspace_id, {row.owner for row in rows}, now)
    accounts = accounts_by_name(session, workspace_id, {row.account for row in rows if row.account}, now)
    existing = session.scalars(select(Deal).where(Deal.workspace_id == workspace_id, Deal.external_id.is_not(None)))
    counts = upsert(
        session,
        Deal,
        ((row.external_id, _deal_values(row, reps, accounts)) for row in rows),
        existing={deal.external_id: deal for deal in existing},
        for_new={"workspace_id": workspace_id, "source": "import", "active": True},
        now=now,
        progress=progress,
    )
    return summary("deals", lines, [*problems, *duplicates], *counts)


def import_subscriptions(
    session: Session,
    *,
    workspace_id: int,
    rows: Sequence[SubscriptionRow],
    problems: Sequence[ImportProblem],
    now: datetime,
    progress: Progress | None = None,
) -> ImportSummary:
    """Insert new subscriptions and update changed ones, matched on their id (or account and start date)."""
    lines = len(rows) + len(problems)
    rows, duplicates = first_of_each(
        rows, lambda row: row.external_id or (fold(row.account), row.starts_on), "subscription"
    )
    accounts = accounts_by_name(session, workspace_id, {row.account for row in rows}, now)
    existing = session.scalars(select(Subscription).where(Subscription.workspace_id == workspace_id))
    counts = upsert(
        session,
        Subscription,
        (
            (row.external_id or (accounts[fold(row.account)], row.starts_on), _subscription_values(row, accounts))
            for row in rows
        ),
        existing={sub.external_id or (sub.account_id, sub.starts_on): sub for sub in existing},
        for_new={"workspace_id": workspace_id},
        now=now,
        progress=progress,
    )
    return summary("subscriptions", lines, [*problems, *duplicates], *counts)


def import_reps(
    session: Session,
    *,
    workspace_id: int,
    rows: Sequence[RepRow],
    problems: Sequence[ImportProblem],
    now: datetime,
    progress: Progress | None = None,
) -> ImportSummary:
    """Put reps into teams (created as needed), and give each team its manager where one is named."""
    lines = len(rows) + len(problems)
    rows, duplicates = first_of_each(rows, lambda row: fold(row.name), "rep")
    names = {row.name for row in rows} | {row.manager for row in rows if row.manager}
    reps = reps_by_name(session, workspace_id, names, now)
    teams = {fold(team.name): team for team in session.scalars(select(Team).where(Team.workspace_id == workspace_id))}
    updated = unchanged = 0
    for row in rows:
        team = teams.get(fold(row.team))
        if team is None:
            team = teams[fold(row.team)] = Team(workspace_id=workspace_id, name=row.team[:100], created_at=now)
            session.add(team)
            session.flush()
        if row.manager:
            team.manager_rep_id = reps[fold(row.manager)]
            manager = session.get_one(Rep, team.manager_rep_id)
            manager.role = manager.role if manager.role == "admin" else "manager"
        tick(progress)
        rep = session.get_one(Rep, reps[fold(row.name)])
        if rep.team_id == team.id:
            unchanged += 1
        else:
            rep.team_id = team.id
            updated += 1
    session.flush()
    return summary("reps", lines, [*problems, *duplicates], 0, updated, unchanged)


def _subscription_values(row: SubscriptionRow, accounts: dict[str, int]) -> dict[str, Any]:
    return {
        "external_id": row.external_id,
        "account_id": accounts[fold(row.account)],
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "mrr": row.mrr,
        "arr": row.arr,
        "churned": row.churned,
        "churned_on": row.churned_on,
    }


def _deal_values(row: DealRow, reps: dict[str, int], accounts: dict[str, int]) -> dict[str, Any]:
    ends = None
    if row.recurring and row.closed and row.contract_months:
        ends = add_months(row.closed, row.contract_months)  # the same month arithmetic as portfolio ARR
    return {
        "external_id": row.external_id,
        "owner_rep_id": reps[fold(row.owner)],
        "account_id": accounts[fold(row.account)] if row.account else None,
        "product": row.product[:100] if row.product else None,
        "amount": row.amount,
        "cost": row.cost,
        "stage": row.stage.value,
        "created_on": row.created,
        "closed_on": row.closed,
        "contract_months": row.contract_months,
        "contract_ends_on": ends,
        "recurring": row.recurring,
    }
