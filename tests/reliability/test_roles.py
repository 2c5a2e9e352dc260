"""Issue 8, item 8: every command and action, for every role and for a user of another workspace.

One table (ROLES_TABLE) says, for each command or action, which roles may use it on Bob, a rep of East; the tests
are generated from it. The roles, all from tests/bot/test_permissions.py's office: Cy (a rep, Bob's teammate),
Dee (manager of East, Bob's team), Eve (manager of West, another team), Ann (admin), and Zed, the admin of another
workspace. An allowed read shows Bob's numbers; an allowed write changes the office's rows. A refused one gets
⚠️, shows none of Bob's numbers and changes no row of the office's workspace. Zed is refused everything about this
workspace: whatever he asks is answered from his own (empty) workspace, never with this one's data or rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.playground import slack_requests as requests
from bot.slack.blocks import ids
from metrics.checksums import digest
from metrics.copy_scope import Scope
from metrics.models import Base, Workspace
from metrics.records import RepContext
from tests.bot.test_permissions import BOB, elsewhere, office  # the office, Bob's numbers and Zed elsewhere
from tests.factories import log
from tests.harness import Reply, SlackHarness

__all__ = ["office"]  # a fixture, used by name

REP, MANAGER, OTHER_MANAGER, ADMIN, ELSEWHERE = "Cy", "Dee", "Eve", "Ann", "Zed"
ROLES = (REP, OTHER_MANAGER, ELSEWHERE, MANAGER, ADMIN)  # the refused first: an allowed write cannot hide a refusal
MANAGERS, ADMINS = {MANAGER, ADMIN}, {ADMIN}
SECRETS = ("77", "12,345")  # Bob's dials today, his won deal
# To Zed, `@bob` is a Bob of his own workspace (Tally keeps a person per workspace) and "East" a word he typed, so
# neither is a secret; these are.
ZED_MUST_NOT_SEE = (*SECRETS, "50 dials a day", "Ann became admin", "Dee", "Fay", "CEAST", "CWEST")


@dataclass(frozen=True)
class Row:
    """A command (or `click ACTION`) with its text, who may use it, and whether it reads Bob's data or writes."""

    command: str
    text: str
    allowed: frozenset[str]
    secret: str | None  # what only an allowed read shows; None for a write


def read(command: str, text: str, allowed: set[str], secret: str) -> Row:
    return Row(command, text, frozenset(allowed), secret)


def write(command: str, text: str, allowed: set[str]) -> Row:
    return Row(command, text, frozenset(allowed), None)


ROLES_TABLE = [
    read("/scorecard", f"{BOB} today", MANAGERS, "Dials — 77"),
    read("/kpis", f"{BOB} quarter", MANAGERS, "$12,345"),
    read("/funnel", f"{BOB} week", MANAGERS, "77 dials"),
    read("/plan", f"$100k quarter {BOB}", MANAGERS, "Deals —"),
    read("/target", f"list {BOB}", MANAGERS, "50 dials a day"),
    read("/target", f"suggest {BOB} dials", MANAGERS, "80th percentile"),
    read("/standings", "today team East", {REP, MANAGER, ADMIN}, "Bob"),  # East's own and the admin
    read("/tally", "audit", ADMINS, "Ann became admin"),
    write("/target", f"{BOB} 60 dials daily", MANAGERS),
    write("/target", f"{BOB} 50 % ramp until 2027-01-31", MANAGERS),
    write("/target", f"clear {BOB} dials", MANAGERS),
    write("/target", "team East 200 dials weekly", MANAGERS),
    write("/plan", "apply", {MANAGER}),  # a plan is its maker's: Ann has none to apply
    write("/standings", "team East post", MANAGERS),
    write("/tally", f"role {BOB} manager of East", ADMINS),
    write("/tally", f"team add {BOB} to West", ADMINS),
    write("/tally", "team create North #north", ADMINS),
    write("/tally", "weights meetings=12", ADMINS),
    write("/tally", "visibility meetings managers", ADMINS),
    write("/tally", "settings workweek sun-thu", ADMINS),
    write("/tally", "schedule standings 17:00", ADMINS),
    write("/tally", "export entries", ADMINS),
    write("/tally", f"forget {BOB}", ADMINS),
    write("click", ids.UNDO_LOG, set()),  # only Bob undoes Bob's log
]


def office_state(slack: SlackHarness) -> dict[str, tuple[int, str]]:
    """The rows of the office's workspace in every table (another workspace's rows may change: Zed's own)."""
    with slack.sessions() as session:
        workspace = session.scalars(select(Workspace).where(Workspace.external_id == slack.team_id)).one()
        scope = Scope(workspace_id=workspace.id, external_id=slack.team_id)
        connection = session.connection()
        return {table.name: digest(connection, table, scope) for table in Base.metadata.sorted_tables}


def slack_effects(slack: SlackHarness) -> int:
    """Posts, files and modals Tally sent (an export's DM, a standings post, the forget form)."""
    return len(
        [
            c
            for c in slack.fake.calls()
            if c.method in ("chat.postMessage", "files.completeUploadExternal", "views.open")
        ]
    )


def act(slack: SlackHarness, role: str, entry: Row, batch: str) -> Reply:
    harness = elsewhere(slack) if role == ELSEWHERE else slack
    user = f"U{role.upper()}"
    if entry.command == "click":
        return harness.click(entry.text, batch, user=user)
    if entry.text.startswith("forget"):  # answered with a modal, not through the response_url
        url = slack.fake.new_response_url()
        body = requests.slash_command("/tally", entry.text, user_id=user, team_id=harness.team_id, response_url=url)
        assert harness.poster.post(body, requests.FORM).status == 200
        found = slack.fake.wait_for(
            lambda calls: any(c.path.endswith(url.rsplit("/", 1)[1]) or c.method == "views.open" for c in calls)
        )
        return Reply(
            requests.HttpReply(200, ""),
            next((c.params for c in found if c.path.endswith(url.rsplit("/", 1)[1])), {"text": "(form)"}),
        )
    return harness.command(entry.command, entry.text, user=user)


def outcome(slack: SlackHarness, role: str, entry: Row, batch: str) -> tuple[bool, str]:
    """Whether `role` was allowed `entry`, judged from the reply, Bob's secrets and the office's rows."""
    before, effects, uploads = office_state(slack), slack_effects(slack), len(slack.fake.uploads)
    reply = act(slack, role, entry, batch)
    # Every reply is sent after its work committed, so the reply is the moment to look.
    answer = reply.text + json.dumps(reply.message or {})
    office_changed = office_state(slack) != before
    if role == ELSEWHERE:  # answered from his own workspace: "allowed" would mean he reached this one
        files = b"".join(list(slack.fake.uploads.values())[uploads:]).decode(errors="replace")
        saw = any(secret in reply.text + files for secret in ZED_MUST_NOT_SEE)
        allowed, changed = office_changed or saw, office_changed
    else:
        saw = any(secret in reply.text for secret in (*SECRETS, entry.secret or SECRETS[0]))
        allowed, changed = not reply.text.startswith("⚠️"), office_changed or slack_effects(slack) != effects
    if not allowed:
        assert not changed and not saw, (role, entry, answer)
    elif entry.secret is not None:
        assert entry.secret in reply.text, (role, entry, answer)
    return allowed, reply.text


@pytest.mark.parametrize("entry", ROLES_TABLE, ids=[f"{r.command} {r.text}"[:36] for r in ROLES_TABLE])
def test_each_role_may_do_only_what_the_table_says(
    slack: SlackHarness, office: dict[str, RepContext], entry: Row
) -> None:
    batch = log(slack.sessions, office["Bob"], {"emails": 5}).batch_id
    if entry.text == "apply":
        assert "Deals —" in slack.command("/plan", "$1M year deal 10k win 20%", user="UDEE").text
    before = office_state(slack)
    got = {role: outcome(slack, role, entry, batch) for role in ROLES}
    assert {role for role, (allowed, _) in got.items() if allowed} == set(entry.allowed), got
    if entry.secret is None and entry.allowed:
        assert office_state(slack) != before or slack_effects(slack), "no allowed write changed anything"
