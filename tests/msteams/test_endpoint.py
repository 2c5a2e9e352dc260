"""The Teams endpoint end to end: activities over real HTTP, replies at the fake Bot Connector, rows in the
database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import urllib.request

from sqlalchemy import func, select

from bot.config import Settings
from bot.msteams.app import TURN_FAILED
from bot.msteams.auth import teams_auth
from bot.msteams.people import NO_ACCOUNT
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.server import TeamsServer
from bot.playground.fake_bot_connector import ConnectorFault
from metrics.models import ChatIdentity, Entry, Rep, Workspace
from metrics.records import WorkspaceDefaults
from tests.msteams.conftest import PEOPLE, TENANT, TeamsHarness, card_text


def identity_of(teams: TeamsHarness, who: str) -> tuple[ChatIdentity, Rep]:
    with teams.sessions() as session:
        row = session.execute(
            select(ChatIdentity, Rep)
            .join(Rep, Rep.id == ChatIdentity.rep_id)
            .where(ChatIdentity.external_user_id == PEOPLE[who][1])
        ).one()
        return row[0], row[1]


def entry_count(teams: TeamsHarness) -> int:
    with teams.sessions() as session:
        return session.scalar(select(func.count()).select_from(Entry)) or 0


def test_first_contact_creates_the_rep_in_the_tenant_and_stores_the_1on1_reference(teams: TeamsHarness) -> None:
    reply = teams.say("ana", "help")

    account, rep = identity_of(teams, "ana")
    assert (rep.display_name, rep.timezone) == ("Ana Lima", "America/New_York")
    assert account.platform == "teams"
    reference = account.conversation_ref
    assert reference is not None and "activityId" not in reference
    assert reference["conversation"]["id"] == "a:1on1-ana"
    assert (
        reference["serviceUrl"] == teams.connector.service_url and reference["user"]["aadObjectId"] == PEOPLE["ana"][1]
    )
    with teams.sessions() as session:
        workspace = session.scalars(select(Workspace)).one()
    assert (workspace.platform, workspace.external_id) == ("teams", TENANT)
    assert reply["conversation"]["id"] == "a:1on1-ana" and "log 12 dials 3 meetings" in card_text(reply)


def test_the_reference_is_replaced_when_teams_moves_the_chat_and_kept_otherwise(teams: TeamsHarness) -> None:
    teams.say("ana", "help")
    teams.say("ana", "help")
    assert identity_of(teams, "ana")[0].conversation_ref["serviceUrl"] == teams.connector.service_url  # type: ignore[index]

    moved = teams.activity("ana", "help") | {"serviceUrl": teams.connector.service_url + "emea/"}
    teams.post(moved)

    assert identity_of(teams, "ana")[0].conversation_ref["serviceUrl"].endswith("/emea/")  # type: ignore[index]


def test_the_zone_follows_the_client_and_an_unknown_zone_is_ignored(teams: TeamsHarness) -> None:
    teams.say("ana", "help")
    teams.post(teams.activity("ana", "help") | {"localTimezone": "Europe/Lisbon"})
    assert identity_of(teams, "ana")[1].timezone == "Europe/Lisbon"

    teams.post(teams.activity("ana", "help") | {"localTimezone": "Mars/Olympus"})
    assert identity_of(teams, "ana")[1].timezone == "Europe/Lisbon"


def test_a_message_without_an_entra_id_is_refused_kindly_and_writes_nothing(teams: TeamsHarness) -> None:
    anonymous = teams.activity("ana", "log 12 dials")
    anonymous["from"] = {"id": "29:guest", "name": "Guest"}
    teams.post(anonymous)

    (call,) = teams.connector.calls()
    assert NO_ACCOUNT.split(",")[0] in card_text(call.body)
    with teams.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Rep)) == 0


def test_a_mention_in_a_channel_is_a_command_and_the_answer_goes_to_the_channel(teams: TeamsHarness) -> None:
    reply = teams.say("ben", "log 5 dials", channel=True)

    assert reply["conversation"]["id"].startswith("19:sales-floor")
    assert "Logged **5 dials**" in card_text(reply)
    assert entry_count(teams) == 1
    assert identity_of(teams, "ben")[0].conversation_ref is None  # a channel is no way to reach Ben alone


def test_a_redelivered_activity_logs_once(teams: TeamsHarness) -> None:
    activity = teams.activity("ana", "log 12 dials")
    teams.post(activity)
    teams.post(activity)

    first, second = teams.connector.sent()
    assert "Logged" in card_text(first) and "Already logged" in card_text(second)
    assert entry_count(teams) == 1


def test_a_connector_fault_puts_no_exception_text_in_the_chat(teams: TeamsHarness) -> None:
    teams.connector.fail_next(ConnectorFault(502))
    status, _ = teams.post(teams.activity("ana", "log 12 dials"))

    failed, apology = teams.connector.calls()
    assert status == 202 and failed.status == 502
    assert apology.body["text"] == TURN_FAILED
    assert all("Exception" not in json.dumps(call.body) for call in teams.connector.calls())


def test_the_registered_endpoint_refuses_a_request_without_a_token(sessions, clock, connector) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(teams_app_id="app-id", teams_app_password="secret", teams_tenant_id=TENANT)
    runtime = TeamsRuntime(sessions=sessions, defaults=WorkspaceDefaults(), clock=clock)
    with TeamsServer(runtime, teams_auth(settings, anonymous=False)) as server:
        harness = TeamsHarness(server.url, connector, sessions, clock)
        status, body = harness.post(harness.activity("ana", "log 12 dials"))
        forged, _ = harness.post(harness.activity("ana", "log 12 dials"), {"Authorization": "Bearer not.a.token"})

    assert (status, forged) == (401, 401) and "Authorization" in json.dumps(body)
    assert connector.calls() == [] and entry_count(harness) == 0


def test_healthz_answers_while_the_database_does(teams: TeamsHarness) -> None:
    with urllib.request.urlopen(teams.url.replace("/api/messages", "/healthz"), timeout=10) as response:
        body = json.loads(response.read())
    assert response.status == 200 and body["database"] == {"status": "ok"}
