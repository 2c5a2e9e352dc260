"""Many workspaces through OAuth: two installs through the real flow against the fake Slack, tokens encrypted at
rest, each workspace sees only its own data on every command, uninstalling one stops its deliveries, and scheduled
work rotates an expiring token."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.fake_slack import FakeSlack
from bot.slack.app import build_app
from bot.slack.installations import EncryptedInstallationStore
from bot.slack.notifier import SlackNotifier
from bot.slack.oauth import OAuthApp, installation_store, installed_clients, oauth_settings
from bot.slack.runtime import Runtime
from bot.slack.server import make_http_server, serve_in_background
from bot.web import build_wsgi_app
from metrics import jobs
from metrics.models import Workspace, slack_bots
from metrics.records import WorkspaceDefaults
from tests.factories import FakeClock, make_office
from tests.harness import SlackHarness

SECRET = "oauth-signing-secret"
KEY = Fernet.generate_key().decode()
ACME, BETA = "T0ACME", "T0BETA"


@dataclass
class World:
    root: str
    fake: FakeSlack
    store: EncryptedInstallationStore
    app: OAuthApp
    harnesses: dict[str, SlackHarness]

    def install(self, team_id: str, name: str) -> str:
        """The install page, Slack's consent (a code), the redirect back: returns the page Tally answered with."""
        with urllib.request.urlopen(f"{self.root}/slack/install") as page:
            cookie = page.headers["Set-Cookie"].split(";")[0]
            state = re.search(r"state=([\w-]+)", page.read().decode())
        assert state is not None, "the install page links to Slack with a state"
        code = self.fake.installs.begin(team_id, name)
        redirect = urllib.request.Request(
            f"{self.root}/slack/oauth_redirect?code={code}&state={state.group(1)}", headers={"Cookie": cookie}
        )
        try:
            with urllib.request.urlopen(redirect) as answer:
                return str(answer.read().decode())
        except urllib.error.HTTPError as error:
            return f"HTTP {error.code}: {error.read().decode()}"


@pytest.fixture
def world(engine: Engine, sessions: sessionmaker[Session], clock: FakeClock, fake_slack: FakeSlack) -> Iterator[World]:
    credentials = OAuthApp(
        fake_slack.installs.client_id, fake_slack.installs.client_secret, KEY, api_url=fake_slack.base_url
    )
    store = installation_store(credentials, engine)
    runtime = Runtime(sessions=sessions, defaults=WorkspaceDefaults(), clock=clock, installations=store)
    executor = ThreadPoolExecutor(max_workers=5)
    app = build_app(
        runtime=runtime,
        bot_token=None,
        signing_secret=SECRET,
        slack_api_url=fake_slack.base_url,
        listener_executor=executor,
        oauth=oauth_settings(credentials, store, runtime),
    )
    server = make_http_server(build_wsgi_app(app), "127.0.0.1", 0)
    serve_in_background(server)
    root = f"http://127.0.0.1:{server.server_port}"
    harnesses = {
        team: SlackHarness(fake_slack, f"{root}/slack/events", SECRET, sessions, clock, team_id=team)
        for team in (ACME, BETA)
    }
    yield World(root, fake_slack, store, credentials, harnesses)
    server.shutdown()
    server.server_close()
    executor.shutdown(wait=True)


def test_two_installs_store_encrypted_tokens_and_record_each_workspace(
    world: World, sessions: sessionmaker[Session]
) -> None:
    assert "Thank you!" in world.install(ACME, "Acme Inc")
    assert "Thank you!" in world.install(BETA, "Beta LLC")
    with sessions() as session:
        names = dict(session.execute(select(Workspace.external_id, Workspace.name)).all())
        stored = [tuple(row) for row in session.execute(select(slack_bots.c.team_id, slack_bots.c.bot_token))]
    assert names == {ACME: "Acme Inc", BETA: "Beta LLC"}
    issued = {team: world.fake.installs.tokens_of(team)[-1] for team in (ACME, BETA)}
    assert {team for team, _ in stored} == {ACME, BETA}
    for team, ciphertext in stored:
        assert "xoxb" not in ciphertext and issued[team] not in ciphertext  # encrypted at rest
        bot = world.store.find_bot(enterprise_id=None, team_id=team)
        assert bot is not None and bot.bot_token == issued[team]  # and readable through the store


def test_a_redirect_with_a_forged_or_reused_state_installs_nothing(
    world: World, sessions: sessionmaker[Session]
) -> None:
    code = world.fake.installs.begin(ACME, "Acme Inc")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{world.root}/slack/oauth_redirect?code={code}&state=forged")
    assert refused.value.code == 400
    with sessions() as session:
        assert session.scalars(select(Workspace)).all() == []
    assert world.fake.calls("oauth.v2.access") == []


EVERY_COMMAND = [
    ("/log", "12 dials 2 meetings"),
    ("/log", "won Northwind $9,000"),
    ("/scorecard", ""),
    ("/scorecard", "month"),
    ("/standings", ""),
    ("/standings", "month points"),
    ("/target", "list"),
    ("/target", "me 40 dials daily"),
    ("/plan", "$1M year"),
    ("/funnel", ""),
    ("/kpis", "all everyone"),
    ("/tally", "help"),
    ("/tally", "team list"),
    ("/tally", "settings"),
]


def test_each_workspace_sees_only_its_own_data_on_every_command(world: World, sessions: sessionmaker[Session]) -> None:
    world.install(ACME, "Acme Inc")
    world.install(BETA, "Beta LLC")
    people = {ACME: ("UAVERY", "Avery Acmeson"), BETA: ("UBLAKE", "Blake Betamax")}
    for team, (user, name) in people.items():
        world.fake.add_user(user, name, "Europe/Paris", team_id=team)
        world.harnesses[team].command("/tally", "setup", user=user)
    replies: dict[str, list[str]] = {ACME: [], BETA: []}
    for command, text in EVERY_COMMAND:
        for team, (user, _) in people.items():
            reply = world.harnesses[team].command(command, text, user=user)
            assert reply.http.status == 200
            replies[team].append(f"{command} {text}: {reply.text}")
    spy = world.harnesses[BETA].command("/scorecard", "<@UAVERY|avery>", user="UBLAKE")
    assert "Avery" not in spy.text
    for team, other in ((ACME, BETA), (BETA, ACME)):
        their_name = people[other][1].split()[0]
        leaks = [line for line in replies[team] if their_name in line]
        assert leaks == [], f"{team} saw {other}'s data"
        assert any(people[team][1].split()[0] in line for line in replies[team])  # and does see its own
    with sessions() as session:
        workspaces = {w.external_id for w in session.scalars(select(Workspace))}
    assert workspaces == {ACME, BETA}


def test_uninstalling_one_workspace_stops_its_deliveries(world: World, sessions: sessionmaker[Session]) -> None:
    from tests.bot.test_jobs import MONDAY_0831

    for team, name in ((ACME, "Acme Inc"), (BETA, "Beta LLC")):
        world.install(team, name)
        for person in make_office(sessions, team=team):
            world.fake.add_user(f"U{person.upper()}", person, "America/New_York", team_id=team)
    assert jobs.run("nudges", sessions, None, MONDAY_0831).planned.planned == 6  # three reps in each
    event = {"type": "app_uninstalled"}
    assert world.harnesses[BETA].event(event).status == 200
    world.fake.installs.revoke(BETA)
    notifier = SlackNotifier(installed_clients(world.app, world.store))
    report = jobs.run("dispatch", sessions, notifier, MONDAY_0831)
    assert report.dispatched is not None and (report.dispatched.sent, report.dispatched.skipped) == (3, 3)
    posted = world.fake.calls("chat.postMessage")
    acme_token = world.fake.installs.tokens_of(ACME)[-1]
    assert {call.headers["authorization"] for call in posted} == {f"Bearer {acme_token}"}
    assert world.store.find_bot(enterprise_id=None, team_id=BETA) is None  # its token is forgotten
    assert world.store.find_bot(enterprise_id=None, team_id=ACME) is not None


def test_scheduled_work_rotates_a_token_about_to_expire(world: World, sessions: sessionmaker[Session]) -> None:
    from tests.bot.test_jobs import MONDAY_0831

    world.fake.installs.rotation_s = 600  # expires within the 120-minute rotation window at once
    world.install(ACME, "Acme Inc")
    first = world.fake.installs.tokens_of(ACME)[-1]
    world.fake.installs.rotation_s = 12 * 3600  # the rotated token lasts Slack's 12 hours
    for person in make_office(sessions, team=ACME):
        world.fake.add_user(f"U{person.upper()}", person, "America/New_York", team_id=ACME)
    jobs.run("nudges", sessions, None, MONDAY_0831)
    report = jobs.run("dispatch", sessions, SlackNotifier(installed_clients(world.app, world.store)), MONDAY_0831)
    assert report.dispatched is not None and report.dispatched.sent == 3
    tokens = {call.headers["authorization"] for call in world.fake.calls("chat.postMessage")}
    newest = world.fake.installs.tokens_of(ACME)[-1]
    assert newest != first and tokens == {f"Bearer {newest}"}
    bot = world.store.find_bot(enterprise_id=None, team_id=ACME)
    assert bot is not None and bot.bot_token == newest and bot.bot_refresh_token


def test_requests_work_with_a_rotated_token(world: World) -> None:
    world.fake.installs.rotation_s = 600
    world.install(ACME, "Acme Inc")
    world.fake.installs.rotation_s = 12 * 3600
    world.fake.add_user("UAVERY", "Avery", "Europe/Paris", team_id=ACME)
    reply = world.harnesses[ACME].command("/log", "3 dials", user="UAVERY")
    assert "Logged 3 dials" in reply.text
    assert len(world.fake.installs.tokens_of(ACME)) == 2  # Bolt rotated it before using it


def test_a_workspace_that_never_installed_gets_told_and_nothing_is_written(
    world: World, sessions: sessionmaker[Session]
) -> None:
    world.install(ACME, "Acme Inc")
    stranger = SlackHarness(world.fake, world.harnesses[ACME].url, SECRET, sessions, world.harnesses[ACME].clock)
    stranger.team_id = "T0NOBODY"
    reply = stranger.command("/log", "3 dials", user="UX")
    assert reply.http.status == 200 and "install this app" in reply.text and "Logged" not in reply.text
    with sessions() as session:
        assert {w.external_id for w in session.scalars(select(Workspace))} == {ACME}
