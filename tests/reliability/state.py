"""What the reliability tests compare: every table's row count and checksum, and Slack's escaping of user text."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session, sessionmaker

from metrics.checksums import digest
from metrics.copy_scope import Scope
from metrics.models import Base
from tests.harness import SlackHarness

State = dict[str, tuple[int, str]]


# Tables that record each delivery Slack made (its trigger_id), whatever the request said: main's redelivery guard
# (bot/slack/redelivery.py, merged while this suite was written) adds `seen_request`. Not user data.
DELIVERY_RECORDS = frozenset({"seen_request"})


def database_state(sessions: sessionmaker[Session], *, ignore: frozenset[str] = frozenset()) -> State:
    """Each table's row count and checksum (metrics/checksums.py): equal states hold exactly the same rows."""
    with sessions() as session:
        connection = session.connection()
        tables = [table for table in Base.metadata.sorted_tables if table.name not in ignore]
        return {table.name: digest(connection, table, Scope()) for table in tables}


def changed_tables(before: State, after: State) -> list[str]:
    """The tables whose rows differ between two states."""
    return [name for name in after if before.get(name) != after[name]]


def settle(slack: SlackHarness, quiet: float = 0.2, timeout: float = 5.0) -> None:
    """Wait until the fake Slack has had no new call for `quiet` seconds: every listener has finished its work.

    A refused request has no reply to wait for, so a test that asserts nothing happened gives a wrongly accepted
    request time to write and answer first (its response_url call would then show up, and the test fail).
    """
    deadline = time.monotonic() + timeout
    seen = len(slack.fake.calls())
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now_seen = len(slack.fake.calls())
        if now_seen != seen:
            seen, quiet_since = now_seen, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet:
            return
