"""`tally playground --teams`: typed lines become Teams activities, POSTed to an endpoint; what reaches the fake
Bot Connector (and the answers to invokes) is printed as text, and card buttons can be pressed.

The endpoint here is a stand-in — test scaffolding, not Tally: a real Agents SDK app (aiohttp, JWT middleware in
anonymous mode, CloudAdapter) that answers with cards, so the playground is checked against the SDK's own parsing
and sending without depending on the Teams front end's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiohttp import web
from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware, start_agent_process
from microsoft_agents.hosting.core import AgentApplication, CardFactory, MemoryStorage, TurnContext, TurnState

from bot.__main__ import main
from bot.config import Settings
from bot.msteams.auth import teams_auth
from bot.playground import teams_activities
from bot.playground.teams_server import serve_aiohttp
from bot.playground.teams_session import TeamsPlayground

TIMEZONES = {"alice": "America/New_York", "bob": "Europe/London"}


def logged_card(count: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": f"✅ **Logged** {count} dials", "size": "large"},
            {
                "type": "FactSet",
                "facts": [{"title": "Today", "value": f"{count} dials"}, {"title": "Pts", "value": "9"}],
            },
            {
                "type": "ColumnSet",
                "columns": [
                    {"type": "Column", "items": [{"type": "TextBlock", "text": "Dials"}]},
                    {"type": "Column", "items": [{"type": "TextBlock", "text": count}]},
                ],
            },
        ],
        "actions": [
            {"type": "Action.Submit", "title": "Undo", "data": {"verb": "undo", "entry": f"e-{count}"}},
            {"type": "Action.Submit", "title": "Log more", "data": {"msteams": {"type": "task/fetch"}, "verb": "form"}},
        ],
    }


LOG_FORM = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [
        {"type": "Input.Number", "id": "dials", "label": "Dials"},
        {"type": "Input.Text", "id": "tags", "label": "Tags", "value": "#webinar"},
    ],
    "actions": [{"type": "Action.Submit", "title": "Log", "data": {"verb": "log_form"}}],
}


class StandIn:
    """A tiny bot on the real SDK: cards for "log N dials", Undo edits the card, a dialog to log from."""

    def __init__(self) -> None:
        self.received: list[Activity] = []
        auth = teams_auth(Settings(), anonymous=True)
        self.adapter = CloudAdapter(connection_manager=auth.connections)
        self.agent = AgentApplication[TurnState](
            storage=MemoryStorage(), adapter=self.adapter, connection_manager=auth.connections
        )
        self.agent.activity("message")(self.on_message)
        self.agent.activity("invoke")(self.on_invoke)
        self.app = web.Application(middlewares=[jwt_authorization_middleware])
        self.app["agent_configuration"] = auth.configuration
        self.app.router.add_post("/api/messages", self.entry)

    async def entry(self, request: web.Request) -> web.StreamResponse | None:
        return await start_agent_process(request, self.agent, self.adapter)

    async def on_message(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        self.received.append(activity)
        words = (activity.text or "").replace("<at>Tally</at>", "").split()
        if isinstance(activity.value, dict) and activity.value.get("verb") == "undo":
            edited = Activity(type="message", id=activity.reply_to_id, text="↩️ Undone.")
            await context.update_activity(edited)
        elif words[:1] == ["log"] and words[1:2] and words[1].isdigit():
            await context.send_activity(
                Activity(type="message", attachments=[CardFactory.adaptive_card(logged_card(words[1]))])
            )
        else:
            await context.send_activity(f"heard “{activity.text}”")

    async def on_invoke(self, context: TurnContext, state: TurnState) -> None:
        self.received.append(context.activity)
        if context.activity.name == "task/fetch":
            body: Any = {
                "task": {
                    "type": "continue",
                    "value": {
                        "title": "Log activity",
                        "card": CardFactory.adaptive_card(LOG_FORM).model_dump(by_alias=True),
                    },
                }
            }
        else:
            await context.send_activity(f"logged {context.activity.value['data']['dials']} dials")
            body = {"task": {"type": "message", "value": "Done."}}
        await context.send_activity(Activity(type="invokeResponse", value=InvokeResponse(status=200, body=body)))


@pytest.fixture
def stand_in() -> StandIn:
    return StandIn()


@pytest.fixture
def playground(stand_in: StandIn) -> Iterator[TeamsPlayground]:
    @contextmanager
    def endpoint() -> Iterator[str]:
        with serve_aiohttp(stand_in.app) as base:
            yield base + "/api/messages"

    with TeamsPlayground(endpoint, TIMEZONES) as running:
        yield running


def test_a_typed_command_reaches_the_endpoint_as_teams_sends_it_and_the_card_reply_is_printed(
    playground: TeamsPlayground, stand_in: StandIn
) -> None:
    output = playground.run_line("@alice log 12 dials")

    (received,) = stand_in.received
    assert received.text == "log 12 dials" and received.channel_id == "msteams"
    assert received.from_property.aad_object_id == teams_activities.TeamsUser("alice", "UTC").aad_object_id
    assert received.conversation.conversation_type == "personal"
    assert received.conversation.tenant_id == teams_activities.TENANT_ID
    assert received.local_timezone == "America/New_York"
    assert output == [
        "  ┌─ reply to alice (1:1 chat)",
        "  │ ✅ Logged 12 dials",
        "  │ ═════════════════",
        "  │ Today  12 dials",
        "  │ Pts    9",
        "  │ Dials   12",
        "  │ [Undo]  [Log more]",
        "  └─",
    ]


def test_pressing_undo_sends_the_cards_data_and_shows_the_edited_message(
    playground: TeamsPlayground, stand_in: StandIn
) -> None:
    playground.run_line("@alice log 20 dials")
    card_id = playground.connector.sent()[-1]["id"]

    output = playground.run_line("@alice click Undo")

    pressed = stand_in.received[-1]
    assert pressed.value == {"verb": "undo", "entry": "e-20"} and pressed.reply_to_id == card_id
    assert output == ["  ┌─ to alice (1:1 chat), replacing an earlier message", "  │ ↩️ Undone.", "  └─"]
    assert playground.run_line("@bob click Undo") == ["bob has no [Undo] button to press."]


def test_a_dialog_opens_from_a_card_and_its_submit_carries_the_typed_values(
    playground: TeamsPlayground, stand_in: StandIn
) -> None:
    playground.run_line("@alice log 3 dials")

    opened = playground.run_line("@alice click Log more")
    submitted = playground.run_line("@alice submit dials=7")

    assert stand_in.received[-2].name == "task/fetch"
    assert opened == [
        "  ┌─ dialog “Log activity” open for alice",
        "  │ Dials: ____  (dials)",
        "  │ Tags: [#webinar]  (tags)",
        "  │ [Log]",
        "  └─",
    ]
    assert stand_in.received[-1].name == "task/submit"
    assert stand_in.received[-1].value["data"] == {"verb": "log_form", "dials": "7", "tags": "#webinar"}
    assert submitted == [
        "  ┌─ dialog closed, telling alice",
        "  │ Done.",
        "  └─",
        "  ┌─ reply to alice (1:1 chat)",
        "  │ logged 7 dials",
        "  └─",
    ]
    assert playground.run_line("@alice submit dials=1") == ["alice has no dialog open."]


def test_a_channel_line_mentions_tally_in_the_teams_channel(playground: TeamsPlayground, stand_in: StandIn) -> None:
    output = playground.run_line("@bob #sales-floor standings")

    received = stand_in.received[-1]
    assert received.conversation.conversation_type == "channel"
    assert received.channel_data["channel"]["name"] == "sales-floor"
    assert [entity.type for entity in received.entities] == ["clientInfo", "mention"]
    assert received.text == "standings"  # the SDK strips the mention of the bot
    assert output == ["  ┌─ reply posted in #sales-floor", "  │ heard “standings”", "  └─"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("log 12 dials", "Start with a user"),
        ("@alice submit dials", "alice has no dialog open."),
        ("help", "Press a button on a card"),
        ("run nudges at 2026-12-01T08:30-05:00", "don't run in the Teams playground yet"),
    ],
)
def test_lines_the_playground_cannot_send_get_a_hint(playground: TeamsPlayground, line: str, expected: str) -> None:
    assert any(expected in output for output in playground.run_line(line))
    assert playground.connector.calls() == []


def test_an_endpoint_error_is_shown_not_raised(stand_in: StandIn) -> None:
    @contextmanager
    def refusing() -> Iterator[str]:
        with serve_aiohttp(stand_in.app) as base:
            yield base + "/api/nowhere"

    with TeamsPlayground(refusing) as running:
        assert running.run_line("@alice hi")[0].startswith("  (the endpoint answered HTTP 404")


def test_tally_playground_teams_demo_runs_the_real_teams_front_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playground", "--teams", "--demo"]) == 0
    transcript = capsys.readouterr().out
    assert "Exception" not in transcript and "Something went wrong" not in transcript
    assert "12 dials" in transcript and "Undo" in transcript  # Alice's log, its card and its button
    assert "dails" in transcript  # the typo's hint
    assert "Bob" in transcript  # the channel's standings
