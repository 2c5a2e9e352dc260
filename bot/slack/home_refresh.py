"""The hourly refresh of every App Home during working time, so a dashboard open on a desk stays current."""

from __future__ import annotations

import logging
from datetime import datetime, time

from bot.slack.clients import NotInstalled, WorkspaceClients
from bot.slack.home import publish_home
from bot.slack.runtime import Runtime
from metrics.calendar import is_working_day
from metrics.jobs.people import Person, everyone
from metrics.records import Platform
from metrics.services import identity

logger = logging.getLogger(__name__)
WORKDAY_START = time(7, 0)


def refresh_homes(runtime: Runtime, clients: WorkspaceClients, now: datetime) -> int:
    """Republish the Home tab of everyone in their working hours on a working day. Returns how many."""
    with runtime.sessions.begin() as session:
        # Only Slack has a Home tab: a Teams tenant's people are left alone.
        people = [
            p
            for p in everyone(session, now)
            if p.workspace.platform == Platform.SLACK and _at_work(p, now) and p.user_id
        ]
    count = 0
    for person in people:
        with runtime.sessions.begin() as session:
            rep = identity.find_rep(
                session,
                platform=Platform(person.workspace.platform),
                workspace_external_id=person.workspace.external_id,
                user_external_id=person.user_id or "",
            )
        try:
            client = clients.for_team(person.workspace.external_id)
        except NotInstalled:
            continue
        if rep is not None:
            publish_home(client, runtime, rep, person.user_id or "", now)
            count += 1
    logger.info("refreshed %d Home tabs", count)
    return count


def _at_work(person: Person, now: datetime) -> bool:
    return (
        is_working_day(person.calendar, person.today)
        and person.local.time() >= WORKDAY_START
        and (now < person.workday_end)
    )
