"""Accounts, deals (with the history of their changes from chat) and subscriptions.

Deals are the state of a CRM opportunity and change in place (an import updates them; a rep wins one). What a
rep changes from chat is also written as a DealChange holding the deal's values before and after, so an Undo can
put them back; undoing a deal's creation voids it (`active` False) rather than deleting it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metrics.models.base import Base

MONEY = Numeric(14, 2)


class Account(Base):
    """A customer company. `name_key` (lower-cased, spaces folded) matches "acme corp" to "ACME  Corp"."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Deal(Base):
    """An opportunity: owner, account, value, stage and dates. `external_id` is the CRM's id (unique per
    workspace, so a re-import updates instead of duplicating)."""

    __tablename__ = "deal"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        CheckConstraint("stage IN ('open', 'won', 'lost')", name="stage"),
        Index("ix_deal_closed", "workspace_id", "closed_on"),
        # A screen's deals by rep: those closed since its window began, those open (by stage), and the
        # contracts still running (won, by end date), each one index range however long the history is.
        Index("ix_deal_owner_closed", "workspace_id", "owner_rep_id", "closed_on"),
        Index("ix_deal_owner_stage_ends", "workspace_id", "owner_rep_id", "stage", "contract_ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    owner_rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    product: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    cost: Mapped[Decimal | None] = mapped_column(MONEY)
    stage: Mapped[str] = mapped_column(String(8))
    created_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    contract_months: Mapped[int | None] = mapped_column(Integer)
    # closed_on + contract_months, kept beside them so "active on a day" is a plain comparison in SQL.
    contract_ends_on: Mapped[date | None] = mapped_column(Date)
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DealChange(Base):
    """One change a rep made to a deal from chat, with the values before (None: the change created it) and after.

    An undo writes a change that `reverses` the original (unique, so a change is undone once). `batch_id` ties it
    to the ledger rows the same log wrote (`/log opp Acme` also counts an opportunity).
    """

    __tablename__ = "deal_change"
    __table_args__ = (UniqueConstraint("workspace_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id"))
    batch_id: Mapped[str] = mapped_column(String(32), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any]] = mapped_column()
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("deal_change.id"), unique=True)
    created_at: Mapped[datetime]


class Subscription(Base):
    """A recurring subscription of an account: its term, MRR/ARR and whether (and when) it churned."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    mrr: Mapped[Decimal] = mapped_column(MONEY)
    arr: Mapped[Decimal | None] = mapped_column(MONEY)
    churned: Mapped[bool] = mapped_column(Boolean, default=False)
    churned_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
