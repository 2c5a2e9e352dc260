"""Scheduled messages in Teams, end to end: jobs plan into the outbox on a real database (SQLite and PostgreSQL),
the dispatcher sends through the TeamsNotifier, and the fake Bot Connector (a real HTTP server) receives them.

The conversation references are written straight into ChatIdentity, as the inbound side stores them on a
person's first message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.__main__ import main
from bot.msteams import channels
from bot.msteams.notifier import TeamsNotifier
from bot.notifiers import RoutingNotifier
from bot.playground.fake_bot_connector import ConnectorFault, FakeBotConnector
from bot.playground.fake_slack import FakeSlack
from bot.slack.notifier import SlackNotifier, notifier_client
from metrics import jobs
from metrics.deal_records import DealAction, DealRequest
from metrics.dispatch import NOT_REACHABLE_CHANNEL, NOT_REACHABLE_PERSON, Dispatcher
from metrics.errors import NotAllowed, UsageError
from metrics.models import ChatIdentity, Delivery, Rep
from metrics.records import Platform, RepContext
from metrics.services import deals
from tests.factories import log, make_office
from tests.msteams.outbound import TENANT, card_of, personal_reference, teams_sender, thread_reference

MONDAY_0831_NY = datetime(2026, 11, 30, 13, 31, tzinfo=UTC)
EAST = "19:east-channel@thread.tacv2"


@pytest.fixture
def teams() -> Iterator[tuple[FakeBotConnector, TeamsNotifier]]:
    with teams_sender() as pair:
        yield pair


def teams_office(
    sessions: sessionmaker[Session], connector: FakeBotConnector, reachable: tuple[str, ...] = ("Bob", "Cy", "Fay")
) -> dict[str, RepContext]:
    """make_office's people in a Teams tenant; the `reachable` ones have messaged Tally (their reference is kept)."""
    office = make_office(sessions, team=TENANT, platform=Platform.TEAMS)
    with sessions.begin() as session:
        for name in reachable:
            user = f"U{name.upper()}"
            session.execute(
                update(ChatIdentity)
                .where(ChatIdentity.external_user_id == user)
                .values(conversation_ref=personal_reference(connector, user))
            )
    return office


def landed(connector: FakeBotConnector) -> list[str]:
    """The conversations that received a message, in order."""
    return [call.conversation for call in connector.calls() if call.status < 300]


def rows(sessions: sessionmaker[Session]) -> dict[str, Delivery]:
    with sessions() as session:
        return {d.dedupe_key: d for d in session.scalars(select(Delivery))}


def test_a_morning_of_nudges_reaches_each_rep_at_their_own_8_30_once_across_two_dispatch_runs(
    sessions: sessionmaker[Session], teams: tuple[FakeBotConnector, TeamsNotifier]
) -> None:
    connector, notifier = teams
    teams_office(sessions, connector)
    zones = {"UBOB": "America/New_York", "UCY": "Europe/London", "UFAY": "Asia/Tokyo"}
    with sessions.begin() as session:
        for user, zone in zones.items():
            rep_id = session.scalar(select(ChatIdentity.rep_id).where(ChatIdentity.external_user_id == user))
            session.execute(update(Rep).where(Rep.id == rep_id).values(timezone=zone))
    morning = [  # Monday 30 November, 08:31 in Tokyo, London and New York
        (datetime(2026, 11, 29, 23, 31, tzinfo=UTC), "UFAY"),
        (datetime(2026, 11, 30, 8, 31, tzinfo=UTC), "UCY"),
        (MONDAY_0831_NY, "UBOB"),
    ]
    expected: list[str] = []
    for at, user in morning:
        first = jobs.run("nudges", sessions, notifier, at)
        second = jobs.run("dispatch", sessions, notifier, at + timedelta(minutes=5))
        expected.append(f"a:chat-{user}")
        assert first.dispatched is not None and first.dispatched.sent == 1, (at, first)
        assert second.dispatched is not None and second.dispatched.sent == 0
        assert landed(connector) == expected

    for activity in connector.sent():
        card = card_of(activity)
        assert card["body"][0]["style"] == "heading" and activity["summary"] == card["fallbackText"]
        assert [a["data"]["tally"] for a in card["actions"]] == ["quick_log", "quick_log", "log-form"]
    ids = sorted(activity["channelData"]["tally"]["deliveryId"] for activity in connector.sent())
    assert ids == sorted(d.id for d in rows(sessions).values() if d.status == "sent") and len(ids) == 3


def test_a_celebration_and_the_standings_post_go_to_the_channel_tally_was_told_about(
    sessions: sessionmaker[Session], teams: tuple[FakeBotConnector, TeamsNotifier]
) -> None:
    connector, notifier = teams
    office = teams_office(sessions, connector)
    said_in_a_thread = thread_reference(connector, EAST)
    with sessions.begin() as session:
        with pytest.raises(UsageError):  # said in a 1:1 chat: no channel to keep
            channels.use_this_channel(
                session,
                asker=office["Dee"],
                team_name=None,
                reference=personal_reference(connector, "UDEE"),
                now=MONDAY_0831_NY,
            )
        with pytest.raises(NotAllowed):  # a rep does not choose the team's channel
            channels.use_this_channel(
                session, asker=office["Bob"], team_name="East", reference=said_in_a_thread, now=MONDAY_0831_NY
            )
        team = channels.use_this_channel(
            session, asker=office["Dee"], team_name=None, reference=said_in_a_thread, now=MONDAY_0831_NY
        )
        assert (team.name, team.channel_id) == ("East", EAST)
    with sessions.begin() as session:
        request = DealRequest(DealAction.WON, "Initech", date(2026, 11, 30), Decimal(9_000))
        deals.log_deal(session, rep=office["Bob"], request=request, source=Platform.TEAMS, now=MONDAY_0831_NY)

    jobs.run("dispatch", sessions, notifier, MONDAY_0831_NY)
    [celebration] = connector.calls()
    assert celebration.path == f"/v3/conversations/{EAST}/activities"  # a post of its own, not a reply in the thread
    assert "Initech" in card_of(celebration.body)["body"][0]["text"]

    evening = datetime(2026, 11, 30, 17, 1, tzinfo=UTC)  # 17:01 in the workspace's zone (UTC)
    report = jobs.run("standings", sessions, notifier, evening)
    assert report.dispatched is not None and (report.dispatched.sent, report.dispatched.skipped) == (1, 1)
    assert landed(connector) == [EAST, EAST]
    board = card_of(connector.sent()[-1])
    assert any("Bob" in element.get("text", "") for element in board["body"])
    west = [d for key, d in rows(sessions).items() if key.startswith("standings") and d.channel_id == "CWEST"]
    assert [(d.status, d.last_error) for d in west] == [("skipped", NOT_REACHABLE_CHANNEL)]


def test_someone_who_never_messaged_tally_is_skipped_with_the_reason_tally_jobs_failures_shows(
    sessions: sessionmaker[Session],
    database_url: str,
    teams: tuple[FakeBotConnector, TeamsNotifier],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connector, _ = teams
    office = teams_office(sessions, connector, reachable=("Bob", "Cy"))
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["jobs", "run", "nudges", "--now", "2026-11-30T08:31:00-05:00", "--teams-anonymous"]) == 0
    assert "dispatch: sent 2, skipped 1, failed 0" in capsys.readouterr().out
    assert sorted(landed(connector)) == ["a:chat-UBOB", "a:chat-UCY"]
    fay = rows(sessions)[f"nudge:{office['Fay'].rep_id}:2026-11-30"]
    assert (fay.status, fay.attempts, fay.last_error) == ("skipped", 0, NOT_REACHABLE_PERSON)

    assert main(["jobs", "failures"]) == 0
    printed = capsys.readouterr().out
    assert "no failed deliveries" in printed and "skipped, not sent and not retried" in printed
    assert f"{TENANT} nudge nudge:{office['Fay'].rep_id}:2026-11-30: {NOT_REACHABLE_PERSON}" in printed


def test_a_rate_limit_is_waited_out_and_a_removed_app_is_skipped_without_a_word_in_any_chat(
    sessions: sessionmaker[Session], teams: tuple[FakeBotConnector, TeamsNotifier]
) -> None:
    connector, notifier = teams
    teams_office(sessions, connector)
    jobs.run("nudges", sessions, None, MONDAY_0831_NY)
    connector.fail_next(ConnectorFault(429, retry_after=1), ConnectorFault(403))

    report = Dispatcher(sessions, notifier, clock=lambda: MONDAY_0831_NY, owner="t", workers=1).run()

    assert (report.sent, report.skipped, report.failed, report.retrying, report.rate_limited) == (2, 1, 0, 0, 1)
    statuses = [call.status for call in connector.calls()]
    assert statuses[:2] == [429, 403] and sorted(statuses[2:]) == [201, 201]
    assert len(set(landed(connector))) == 2  # each of the two reachable reps got one card
    assert not any("Exception" in str(call.body.get("text", "")) for call in connector.calls())
    gone = [d for d in rows(sessions).values() if d.status == "skipped"]
    assert len(gone) == 1 and (gone[0].last_error or "").startswith("gone: Teams answered HTTP 403")


def test_one_dispatcher_sends_slack_workspaces_through_slack_and_teams_tenants_through_teams_with_the_same_numbers(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, teams: tuple[FakeBotConnector, TeamsNotifier]
) -> None:
    connector, teams_notifier = teams
    in_teams = teams_office(sessions, connector)
    in_slack = make_office(sessions, team=fake_slack.team_id)
    for name in in_slack:
        fake_slack.add_user(f"U{name.upper()}", name, "America/New_York")
    friday = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    for office in (in_teams, in_slack):
        log(sessions, office["Bob"], {"dials": 12, "meetings": 2}, now=friday)
    notifier = RoutingNotifier(
        {
            "slack": SlackNotifier(notifier_client(fake_slack.bot_token, fake_slack.base_url, timeout=5)),
            "teams": teams_notifier,
        }
    )

    report = jobs.run("nudges", sessions, notifier, MONDAY_0831_NY)

    assert report.dispatched is not None and report.dispatched.sent == 6
    slack_texts = {c.params["channel"]: c.params["text"] for c in fake_slack.calls("chat.postMessage")}
    teams_texts = {a["conversation"]["id"]: a["summary"] for a in connector.sent()}
    assert set(slack_texts) == {"UBOB", "UCY", "UFAY"}
    assert set(teams_texts) == {"a:chat-UBOB", "a:chat-UCY", "a:chat-UFAY"}
    for user, text in slack_texts.items():
        assert teams_texts[f"a:chat-{user}"] == text.replace("*", "**")  # the same words and numbers, Teams' bold
    slack_bob = next(c.params for c in fake_slack.calls("chat.postMessage") if c.params["channel"] == "UBOB")
    [teams_bob] = [card_of(a) for a in connector.sent() if a["conversation"]["id"] == "a:chat-UBOB"]
    assert numbers(slack_bob["blocks"]) == numbers(teams_bob["body"]) and "12" in numbers(teams_bob["body"])


def numbers(blocks: object) -> list[str]:
    """Every number a message shows, in order (Block Kit or an Adaptive Card body)."""
    parsed = json.loads(blocks) if isinstance(blocks, str) else blocks
    texts = []
    for block in parsed if isinstance(parsed, list) else []:
        text = block.get("text")
        texts.append(text.get("text", "") if isinstance(text, dict) else text or "")
        texts.extend(e.get("text", "") for e in block.get("elements", []) if block.get("type") == "context")
    return re.findall(r"\d+(?:[.,]\d+)?", " ".join(texts))


def test_a_won_deal_is_celebrated_with_the_same_words_and_numbers_in_a_slack_channel_and_a_teams_channel(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, teams: tuple[FakeBotConnector, TeamsNotifier]
) -> None:
    connector, teams_notifier = teams
    in_teams = teams_office(sessions, connector)
    in_slack = make_office(sessions, team=fake_slack.team_id)
    with sessions.begin() as session:
        channels.use_this_channel(
            session,
            asker=in_teams["Dee"],
            team_name=None,
            reference=thread_reference(connector, EAST),
            now=MONDAY_0831_NY,
        )
    won = DealRequest(DealAction.WON, "Initech", date(2026, 11, 30), Decimal("12500.50"))
    for office, platform in ((in_teams, Platform.TEAMS), (in_slack, Platform.SLACK)):
        with sessions.begin() as session:
            deals.log_deal(session, rep=office["Bob"], request=won, source=platform, now=MONDAY_0831_NY)
    notifier = RoutingNotifier(
        {
            "slack": SlackNotifier(notifier_client(fake_slack.bot_token, fake_slack.base_url, timeout=5)),
            "teams": teams_notifier,
        }
    )

    report = jobs.run("dispatch", sessions, notifier, MONDAY_0831_NY)

    assert report.dispatched is not None and report.dispatched.sent == 2
    [slack_post] = [c.params for c in fake_slack.calls("chat.postMessage")]
    [teams_post] = connector.sent()
    assert (slack_post["channel"], teams_post["conversation"]["id"]) == ("CEAST", EAST)
    assert teams_post["summary"] == slack_post["text"].replace("*", "**")
    assert numbers(slack_post["blocks"]) == numbers(card_of(teams_post)["body"])
    assert "12,500" in teams_post["summary"] or "12500" in teams_post["summary"]
