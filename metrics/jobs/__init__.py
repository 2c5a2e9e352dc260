"""Scheduled use cases. Each job *plans* deliveries into the outbox for an instant; `run` then sends them.

No scheduler here (bot/scheduler.py decides when), and no chat platform (a Notifier sends): a job is a plain
function of a session and `now`, so `tally jobs run NAME --now …`, the tests and the scheduler run the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from metrics.dispatch import Dispatcher, DispatchReport
from metrics.jobs.digests import plan_digests
from metrics.jobs.nudges import plan_nudges
from metrics.jobs.standings_posts import plan_standings_posts
from metrics.notify import Notifier
from metrics.outbox import PlanReport

Planner = Callable[[Session, datetime], PlanReport]
PLANNERS: dict[str, Planner] = {"nudges": plan_nudges, "standings": plan_standings_posts, "digests": plan_digests}
JOB_NAMES = (*PLANNERS, "dispatch")


@dataclass(frozen=True, slots=True)
class JobReport:
    """What one run of a job planned and, unless asked not to, sent."""

    name: str
    planned: PlanReport
    dispatched: DispatchReport | None


def run(
    name: str,
    sessions: sessionmaker[Session],
    notifier: Notifier | None,
    now: datetime,
    *,
    owner: str = "tally",
) -> JobReport:
    """Run job `name` once as if at `now`: plan (one transaction), then dispatch what is due, unless `notifier`
    is None (plan only). The "dispatch" job only sends.

    Raises:
        KeyError: no job of that name.
    """
    if name != "dispatch" and name not in PLANNERS:
        raise KeyError(name)
    planned = PlanReport()
    if name in PLANNERS:
        with sessions.begin() as session:
            planned = PLANNERS[name](session, now)
    dispatched = None
    if notifier is not None:
        dispatched = Dispatcher(sessions, notifier, clock=lambda: now, owner=owner).run()
    return JobReport(name, planned, dispatched)
