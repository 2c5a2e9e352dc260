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
    insert_rows,
    reps_by_name,
    summary,
    tick,
    update_changed,
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
    existing = {
        deal.external_id: deal
        for deal in session.scalars(
            select(Deal).where(Deal.workspace_id == workspace_id, Deal.external_id.is_not(None))
        )
    }
    new: list[dict[str, Any]] = []
    updated = unchanged = 0
    for row in rows:
        values = _deal_values(row, reps, accounts)
        deal = existing.get(row.external_id)
        if deal is None:
            new.append(
                values
                | {
                    "workspace_id": workspace_id,
                    "external_id": row.external_id,
                    "source": "import",
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        elif update_changed(deal, values, now):
            updated += 1
        else:
            unchanged += 1
        tick(progress)
    insert_rows(session, Deal, new)
    return summary("deals", lines, [*problems, *duplicates], len(new), updated, unchanged)


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
    accounts = accounts_by_name(session, workspace_id, {row.account for row in rows}, now)

    def identity(row: SubscriptionRow) -> object:
        return row.external_id or (fold(row.account), row.starts_on)

    lines = len(rows) + len(problems)
    rows, duplicates = first_of_each(rows, identity, "subscription")
    existing: dict[object, Subscription] = {}
    for subscription in session.scalars(select(Subscription).where(Subscription.workspace_id == workspace_id)):
        existing[subscription.external_id or (subscription.account_id, subscription.starts_on)] = subscription
    new: list[dict[str, Any]] = []
    updated = unchanged = 0
    for row in rows:
        values = {
            "account_id": accounts[fold(row.account)],
            "starts_on": row.starts_on,
            "ends_on": row.ends_on,
            "mrr": row.mrr,
            "arr": row.arr,
            "churned": row.churned,
            "churned_on": row.churned_on,
        }
        found = existing.get(row.external_id or (values["account_id"], row.starts_on))
        if found is None:
            new.append(
                values
                | {"workspace_id": workspace_id, "external_id": row.external_id, "created_at": now, "updated_at": now}
            )
        elif update_changed(found, values, now):
            updated += 1
        else:
            unchanged += 1
        tick(progress)
    insert_rows(session, Subscription, new)
    return summary("subscriptions", lines, [*problems, *duplicates], len(new), updated, unchanged)


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
        tick(progress)
        rep = session.get_one(Rep, reps[fold(row.name)])
        if rep.team_id == team.id:
            unchanged += 1
        else:
            rep.team_id = team.id
            updated += 1
    session.flush()
    return summary("reps", lines, [*problems, *duplicates], 0, updated, unchanged)


def _deal_values(row: DealRow, reps: dict[str, int], accounts: dict[str, int]) -> dict[str, Any]:
    ends = None
    if row.recurring and row.closed and row.contract_months:
        ends = add_months(row.closed, row.contract_months)  # the same month arithmetic as portfolio ARR
    return {
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
