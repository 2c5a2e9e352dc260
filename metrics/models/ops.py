"""What the scheduler process leaves for the web processes to read: its heartbeats and each job's run counts.

The scheduler runs in its own process (or several, on one PostgreSQL), so `/healthz` and `/metrics` in a web
worker cannot ask it anything; the database is the one place both see.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from metrics.models.base import Base


class SchedulerBeat(Base):
    """One scheduler process (host:pid), and the last time it showed it was alive."""

    __tablename__ = "scheduler_beat"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]


class JobStat(Base):
    """A scheduled job's runs and failures since the database was made, across every scheduler process."""

    __tablename__ = "job_stat"

    job: Mapped[str] = mapped_column(String(24), primary_key=True)
    runs: Mapped[int] = mapped_column(BigInteger, default=0)
    failures: Mapped[int] = mapped_column(BigInteger, default=0)
    last_started_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    last_seconds: Mapped[float | None] = mapped_column(Float)  # how long the latest run took
    last_owner: Mapped[str | None] = mapped_column(String(64))


class SeenRequest(Base):
    """A request a chat platform may deliver again (Slack's trigger_id or event_id): the first copy does the work.

    Kept a day (pruned by the scheduler's heartbeat); platforms redeliver within minutes.
    """

    __tablename__ = "seen_request"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)
