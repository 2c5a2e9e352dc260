"""What the reliability tests compare: every table's row count and checksum, and Slack's escaping of user text."""

from __future__ import annotations

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


def settle(slack: SlackHarness) -> None:
    """Wait until the app has finished the work of every request sent so far (SlackHarness.settle).

    A refused request has no reply to wait for, so a test that asserts nothing happened must first let a wrongly
    accepted request write and answer (its response_url call would then show up, and the test fail). Bolt queues a
    request's work before it answers it, so "the listener pool is idle" is exactly that moment.
    """
    slack.settle()
