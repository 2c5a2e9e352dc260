"""Publishing the App Home tab."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient

from bot.slack.blocks.home import build_home_view
from bot.slack.runtime import Runtime
from metrics.records import RepContext
from metrics.services import dashboard

logger = logging.getLogger(__name__)


def publish_home(
    client: WebClient, runtime: Runtime, rep: RepContext, user_id: str, now: datetime, page: int = 0
) -> None:
    """Publish the rep's dashboard (their card and their team's board) to their Home tab.

    A failure is logged, not raised: this runs after a log was saved and confirmed, and a Home tab that could
    not be refreshed must never turn that success into an error reply ("nothing was saved", which would make the
    person log it again). That includes the database read: it can fail after the log's commit (a restart).
    """
    try:
        with runtime.sessions.begin() as session:
            board = dashboard.dashboard(session, asker=rep, now=now, page=page)
        client.views_publish(user_id=user_id, view=build_home_view(board, now))
    except Exception:  # a database outage, a rejection, a timeout, anything: the log stands either way
        logger.warning("the Home tab of %s was not refreshed", user_id, exc_info=True)
