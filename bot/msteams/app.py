"""The Teams endpoint: an aiohttp app serving `POST /api/messages` (and `GET /healthz`) on the Agents SDK.

Incoming requests pass the SDK's JWT middleware (a registered bot accepts only Bot Framework tokens issued for
its app id; anonymous mode accepts anything and is for local development). Each turn reads the activity, runs
the synchronous core on a worker thread (`asyncio.to_thread`; the event loop never waits on the database) and
sends the reply through the Bot Connector the activity came from.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable

from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware
from microsoft_agents.hosting.core import CardFactory, TurnContext

from bot.msteams import tasks
from bot.msteams.auth import TeamsAuth
from bot.msteams.cards.replies import Reply
from bot.msteams.commands import answer, welcome
from bot.msteams.mentions import resolve_mentions
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.turns import read_turn
from bot.ops.health import DatabaseProbe, HealthPolicy, health_report

logger = logging.getLogger(__name__)
TURN_FAILED = "I couldn't finish answering that. Check your scorecard before trying again, in case it was saved."


class TallyAgent:
    """The SDK's Agent: one `on_turn` for every activity Teams sends."""

    def __init__(self, runtime: TeamsRuntime) -> None:
        self.runtime = runtime

    async def on_turn(self, context: TurnContext) -> None:
        """Answer messages and card buttons, greet at install, answer the log dialog's fetch and submit."""
        activity = context.activity
        if activity.type == ActivityTypes.message:
            await self._message(context)
        elif activity.type == ActivityTypes.conversation_update and _tally_was_added(activity):
            greeting = await asyncio.to_thread(welcome, self.runtime, read_turn(activity))
            if greeting is not None:
                await context.send_activity(reply_activity(greeting))
        elif activity.type == ActivityTypes.invoke and activity.name in tasks.TASK_NAMES:
            result = await asyncio.to_thread(tasks.answer_task, self.runtime, read_turn(activity), activity.name)
            if result.reply is not None:
                await context.send_activity(reply_activity(result.reply))
            answer_ = InvokeResponse(status=200, body=result.body)
            await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=answer_))

    async def _message(self, context: TurnContext) -> None:
        turn = await resolve_mentions(context, read_turn(context.activity))
        reply = await asyncio.to_thread(answer, self.runtime, turn)
        message = reply_activity(reply)
        if reply.replace_original and context.activity.reply_to_id:
            # The Undo button's answer takes the place of the confirmation it was under, as in Slack.
            message.id = context.activity.reply_to_id
            await context.update_activity(message)
        else:
            await context.send_activity(message)


def _tally_was_added(activity: Activity) -> bool:
    """A conversationUpdate saying Tally itself joined (the app was installed in this conversation)."""
    bot = activity.recipient.id if activity.recipient else None
    return any(member.id == bot for member in activity.members_added or [])


def reply_activity(reply: Reply) -> Activity:
    """A reply as a message: the card with its text as the notification summary, or plain text."""
    if reply.card is None:
        return Activity(type=ActivityTypes.message, text=reply.text, text_format="plain")
    return Activity(type=ActivityTypes.message, summary=reply.text, attachments=[CardFactory.adaptive_card(reply.card)])


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Replaces the SDK's default, which posts the exception's text into the chat: log it, say a short line."""
    logger.error("Teams turn failed (%s)", type(error).__name__, exc_info=error)
    if context.activity.type != ActivityTypes.message:
        return
    with contextlib.suppress(Exception):  # the Bot Connector may be what failed; the log has the details
        await context.send_activity(Activity(type=ActivityTypes.message, text=TURN_FAILED, text_format="plain"))


def build_teams_app(runtime: TeamsRuntime, auth: TeamsAuth) -> web.Application:
    """The aiohttp application: `POST /api/messages` for Teams, `GET /healthz` for a load balancer."""
    adapter = CloudAdapter(connection_manager=auth.connections, host_validator=auth.host_validator())
    adapter.on_turn_error = on_turn_error
    agent = TallyAgent(runtime)

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, agent)
        return response if response is not None else web.Response(status=202)

    app = web.Application(middlewares=[jwt_authorization_middleware])
    with warnings.catch_warnings():  # the SDK's middleware reads this plain string key; aiohttp prefers AppKeys
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        app["agent_configuration"] = auth.configuration
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", _healthz(runtime))
    return app


def _healthz(runtime: TeamsRuntime) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The same /healthz as `tally run --http` (bot/ops/health.py): 200 while the database answers."""
    policy = HealthPolicy()
    probe = DatabaseProbe(runtime.sessions, policy)

    async def healthz(request: web.Request) -> web.Response:
        database_up, scheduler_fine, body = await asyncio.to_thread(health_report, probe, runtime.clock(), policy)
        strict = request.query.get("scheduler") == "required"
        healthy = database_up and (scheduler_fine or not strict)
        return web.json_response(body, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})

    return healthz
