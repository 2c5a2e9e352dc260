"""The delivery outbox: every message Tally sends on its own (nudges, standings posts, celebrations, digests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metrics.dbtypes import BigIntPK
from metrics.models.base import Base


class Delivery(Base):
    """One message to send, planned once under a dedupe key and sent at most once.

    A job plans it (insert-or-ignore on the key, so planning twice plans once); a dispatcher claims it under a
    lease, sends it, and records the platform's message id. `status` moves pending → sending → sent, or to
    failed (after the last attempt; listed by `tally jobs failures`) or skipped (with the reason: the person
    left, the workspace uninstalled Tally, the nudge's working day ended).
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("workspace_id", "dedupe_key"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    kind: Mapped[str] = mapped_column(String(24))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id"))  # a DM's recipient
    # A post's channel; a DM's, once opened. 255: Teams' conversation ids run past 100 characters.
    channel_id: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]  # not worth sending after this (a nudge after the working day)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]  # when the first attempt began: where a look for a lost send starts
    message_id: Mapped[str | None] = mapped_column(String(255))  # Slack's ts, a Teams activity id
    last_error: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
