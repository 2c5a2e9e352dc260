"""The two halves of the Teams front end meet: a nudge card's one-tap buttons log through the endpoint, and
`team channel` said in a channel gives the scheduler the reference it posts standings with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.msteams.notice_card import build_notice_card
from metrics.models import ChatIdentity, Entry, MetricDef, Team
from metrics.notify import Action, Message, Section
from metrics.records import Platform, RepContext
from metrics.services import admin, identity
from metrics.services import teams as team_service
from tests.msteams.conftest import CHANNEL, PEOPLE, TENANT, TeamsHarness, card_text

pytestmark = pytest.mark.db
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def nudge_activity() -> dict[str, object]:
    """A morning nudge as the Teams notifier renders it, as the message Teams shows (buttons and all)."""
    nudge = Message(
        kind="nudge",
        title="Good morning",
        text="Good morning: 0 of 60 dials so far this week.",
        sections=(Section(("*0* of *60* dials this week",)),),
        actions=(Action("+10 dials", "quick_log", "dials:10"), Action("+1 meeting", "quick_log", "meetings:1")),
    )
    card = build_notice_card(nudge)
    return {
        "id": "nudge-1",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


def rep_of(sessions: sessionmaker[Session], who: str) -> RepContext:
    with sessions.begin() as session:
        found = identity.find_rep(
            session, platform=Platform.TEAMS, workspace_external_id=TENANT, user_external_id=PEOPLE[who][1]
        )
    assert found is not None
    return found


def dials_logged(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        rows = session.execute(
            select(Entry.quantity).join(MetricDef, MetricDef.id == Entry.metric_id).where(MetricDef.key == "dials")
        )
        return sum(quantity for (quantity,) in rows)


def test_a_nudges_one_tap_button_logs_ten_dials_through_the_endpoint(
    teams: TeamsHarness, sessions: sessionmaker[Session]
) -> None:
    teams.say("ana", "help")  # Ana has met Tally

    method, reply = teams.press("ana", nudge_activity(), "+10 dials")

    assert method == "POST"
    assert "10 dials" in card_text(reply)
    assert dials_logged(sessions) == 10


def test_team_channel_said_in_the_channel_stores_its_reference_for_standings_posts(
    teams: TeamsHarness, sessions: sessionmaker[Session]
) -> None:
    teams.say("ana", "help")
    teams.say("ben", "help")
    ana = rep_of(sessions, "ana")
    with sessions.begin() as session:
        admin.setup(session, asker=ana, platform_admin=False, now=NOW)
    ana = rep_of(sessions, "ana")  # now the admin
    with sessions.begin() as session:
        team_service.create_team(session, asker=ana, name="East", channel_id=None, now=NOW)

    refused = teams.say("ben", "team channel East", channel=True)
    said_in_chat = teams.say("ana", "team channel East")
    accepted = teams.say("ana", "team channel East", channel=True)

    assert card_text(refused).startswith("⚠️")  # Ben manages no team
    assert card_text(said_in_chat).startswith("⚠️") and "channel" in card_text(said_in_chat)
    assert "East" in card_text(accepted)
    with sessions() as session:
        team = session.scalars(select(Team).where(Team.name == "East")).one()
    assert team.channel_id == CHANNEL
    assert team.channel_ref is not None and team.channel_ref["conversation"]["id"] == CHANNEL
    assert team.channel_ref["serviceUrl"] == teams.connector.service_url


def test_installing_tally_in_a_1_on_1_chat_greets_the_person_and_makes_them_reachable_at_once(
    teams: TeamsHarness, sessions: sessionmaker[Session]
) -> None:
    installed = teams.activity("ana") | {
        "type": "conversationUpdate",
        "membersAdded": [{"id": "28:tally-bot"}],
    }
    someone_else_joined = teams.activity("ben") | {"type": "conversationUpdate", "membersAdded": [{"id": "29:zed"}]}

    status, _ = teams.post(installed)
    teams.post(someone_else_joined)  # not Tally's install: no greeting, nobody met

    assert status in (200, 202)
    [greeting] = teams.connector.sent()
    assert greeting["conversation"]["id"] == "a:1on1-ana"
    assert card_text(greeting).startswith("👋 Hi Ana, I'm Tally")
    with sessions() as session:
        stored = session.scalars(select(ChatIdentity)).all()
    assert [(identity.external_user_id, bool(identity.conversation_ref)) for identity in stored] == [
        (PEOPLE["ana"][1], True)  # her nudges can reach her before she has written a word
    ]
