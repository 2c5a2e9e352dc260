"""Submitting the settings form: all changes in one transaction, or none, with errors under their fields."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.forms import read_settings_form, settings_errors
from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.services import preferences


def handle_settings_submission(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Save time zone, nudge time, work week, privacy and any PTO; refresh the Home tab."""
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    try:
        form = read_settings_form(view["state"]["values"])
        with runtime.sessions.begin() as session:
            preferences.save_settings(
                session,
                rep=rep,
                now=now,
                timezone=form.timezone,
                nudge_time=form.nudge_time,
                work_days=form.work_days,
                hidden=form.hidden,
                pto=form.pto,
            )
    except Exception as error:  # a refusal goes under its field; anything else is logged and apologised for
        ack(response_action="errors", errors=settings_errors(error))
        return
    ack()
    publish_home(client, runtime, acting_rep(runtime, client, context, now), context.user_id or "", now)
