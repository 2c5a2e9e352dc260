"""What Tally relies on in the Microsoft 365 Agents SDK, pinned against the fake Bot Connector.

The Teams front end never builds Bot Connector URLs itself: the SDK does, from the activity's serviceUrl. These
tests run the real SDK (aiohttp server, JWT middleware in anonymous mode, CloudAdapter) and check the calls it
makes, so a change in the SDK shows up here first rather than as silence in Teams.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity, ConversationReference
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware, start_agent_process
from microsoft_agents.hosting.core import AgentApplication, MemoryStorage, TurnContext, TurnState

from bot.config import Settings
from bot.msteams.auth import teams_auth
from bot.playground.fake_bot_connector import ConnectorFault, FakeBotConnector


def _activity(service_url: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "incoming-1",
        "text": text,
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": "29:ana", "aadObjectId": "aad-ana", "name": "Ana"},
        "recipient": {"id": "28:tally", "name": "Tally"},
        "conversation": {"id": "a:chat-ana", "conversationType": "personal", "tenantId": "tenant-1"},
        "channelData": {"tenant": {"id": "tenant-1"}},
    }


async def _echo_bot_round_trip(
    connector: FakeBotConnector, headers: dict[str, str], *, then_proactive: bool = True
) -> tuple[int, str]:
    auth = teams_auth(Settings(), anonymous=True)
    adapter = CloudAdapter(connection_manager=auth.connections)
    agent = AgentApplication[TurnState](storage=MemoryStorage(), adapter=adapter, connection_manager=auth.connections)

    @agent.activity("message")
    async def echo(context: TurnContext, state: TurnState) -> None:
        await context.send_activity(f"echo {context.activity.text}")

    async def entry(request: web.Request) -> web.StreamResponse | None:
        return await start_agent_process(request, agent, adapter)

    app = web.Application(middlewares=[jwt_authorization_middleware])
    app["agent_configuration"] = auth.configuration
    app.router.add_post("/api/messages", entry)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        body = json.dumps(_activity(connector.service_url, "hi")).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/messages", body, {"Content-Type": "application/json", **headers}
        )
        status, text = await asyncio.to_thread(_post, request)
        if not then_proactive:
            return status, text
        reference = Activity.model_validate(_activity(connector.service_url, "hi")).get_conversation_reference()
        stored = ConversationReference.model_validate(reference.model_dump(mode="json", by_alias=True))

        async def proactive(context: TurnContext) -> None:
            await context.send_activity("good morning")

        await adapter.continue_conversation_with_claims(
            auth.proactive_identity(), stored.get_continuation_activity(), proactive
        )
        return status, text
    finally:
        await runner.cleanup()


def _post(request: urllib.request.Request) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_anonymous_mode_replies_and_sends_proactively_through_the_service_url() -> None:
    with FakeBotConnector() as connector:
        status, _ = asyncio.run(_echo_bot_round_trip(connector, {}))
        calls = connector.calls()

    assert status == 202
    reply, proactive = calls
    assert (reply.method, reply.path) == ("POST", "/v3/conversations/a:chat-ana/activities/incoming-1")
    assert reply.body["text"] == "echo hi" and reply.body["replyToId"] == "incoming-1"
    assert reply.body["recipient"]["aadObjectId"] == "aad-ana"
    assert proactive.method == "POST" and proactive.conversation == "a:chat-ana"
    assert proactive.body["text"] == "good morning"
    assert reply.authorization is None  # anonymous: no token is sent


def test_a_malformed_authorization_header_is_refused_before_the_bot_runs() -> None:
    with FakeBotConnector() as connector:
        status, text = asyncio.run(
            _echo_bot_round_trip(connector, {"Authorization": "Bearer a b"}, then_proactive=False)
        )
        calls = connector.calls()

    assert status == 401 and "Invalid token" in text
    assert calls == []


def test_the_sdk_default_turn_error_handler_tells_the_user_the_exception_so_tally_must_replace_it() -> None:
    """The adapter's default on_turn_error posts "Exception caught : …" into the chat. Tally's front end sets its
    own handler (a friendly line, details in the log); this pins the default so we notice if it changes."""
    with FakeBotConnector() as connector:
        connector.fail_next(ConnectorFault(502))
        asyncio.run(_echo_bot_round_trip(connector, {}, then_proactive=False))
        calls = connector.calls()

    failed, error_report = calls[0], calls[-1]
    assert failed.status == 502
    assert error_report.body.get("text", "").startswith("Exception caught")
