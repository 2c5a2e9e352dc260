"""TeamsNotifier against the fake Bot Connector (a real HTTP server): the card it sends, and how each way Teams
can refuse becomes what the dispatcher understands — without a word in the chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from bot import compose
from bot.charts import render_png
from bot.config import ConfigError, Settings
from bot.msteams.notice_card import MAX_EMBEDDED_BYTES, build_notice_card, teams_markdown
from bot.msteams.notifier import TeamsNotifier
from bot.playground.fake_bot_connector import ConnectorFault, FakeBotConnector
from bot.slack.runtime import Runtime
from metrics.notify import Action, Chart, DeliveryFailed, Message, Recipient, Section, Series
from metrics.records import WorkspaceDefaults
from tests.msteams.outbound import TENANT, card_of, check_card, personal_reference, teams_sender

NUDGE = Message(
    "nudge",
    "☀️ Good morning, Ana",
    "Yesterday: *12* dials. Today: 50 dials to stay on pace.",
    sections=(
        Section(("*12* dials (target 50)", "3 meetings"), heading="Yesterday"),
        Section(("This week: *48 %* of target, 2 of 5 working days done",)),
    ),
    actions=(
        Action("+10 dials", "quick_log", "dials:10"),
        Action("+1 meeting", "quick_log", "meetings:1"),
        Action("Log…", "open_log_form"),
    ),
    note="Mute with `tally mute until monday`.",
)
CHARTS = (
    Chart("Progress to target this week (%)", "bars", ("Ana", "Ben"), (Series("% of target", (84.0, 120.0)),), 100),
    Chart("The team's days", "lines", ("Mon", "Tue"), (Series("dials", (40, 55)), Series("meetings", (3, 4)))),
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def teams() -> Any:
    with teams_sender() as pair:
        yield pair


def to_ana(connector: FakeBotConnector) -> Recipient:
    return Recipient("user", "aad-ana", TENANT, platform="teams", reference=personal_reference(connector, "aad-ana"))


def test_a_nudge_lands_in_the_chat_as_a_1_5_card_with_its_text_buttons_and_delivery_id(
    teams: tuple[FakeBotConnector, TeamsNotifier],
) -> None:
    connector, notifier = teams
    sent = notifier.send(to_ana(connector), NUDGE, 42)

    [call] = connector.calls()
    assert (call.method, call.path, call.status) == ("POST", "/v3/conversations/a:chat-aad-ana/activities", 201)
    assert sent.conversation == "a:chat-aad-ana" and sent.message_id == call.activity_id
    activity = call.body
    assert "replyToId" not in activity  # its own message, not a reply to anything
    assert activity["channelData"] == {"tally": {"deliveryId": 42}}
    assert activity["summary"] == "Yesterday: **12** dials. Today: 50 dials to stay on pace."
    card = card_of(activity)
    assert card["fallbackText"] == activity["summary"]
    texts = [element["text"] for element in card["body"]]
    assert texts == [
        "☀️ Good morning, Ana",
        "Yesterday",
        "**12** dials (target 50)",
        "3 meetings",
        "This week: **48 %** of target, 2 of 5 working days done",
        "Mute with `tally mute until monday`.",
    ]
    assert [(a["title"], a["data"]) for a in card["actions"]] == [
        ("+10 dials", {"tally": "quick_log", "value": "dials:10"}),
        ("+1 meeting", {"tally": "quick_log", "value": "meetings:1"}),
        ("Log…", {"tally": "log-form", "value": "", "msteams": {"type": "task/fetch"}}),
    ]


def test_only_whole_starred_words_become_bold() -> None:
    assert teams_markdown("*Bob* won *$12,000* from Acme") == "**Bob** won **$12,000** from Acme"
    assert teams_markdown("2 * 3 = 6, a*b, **already**") == "2 * 3 = 6, a*b, **already**"


def test_charts_go_in_as_images_within_teams_limits_or_else_as_numbers() -> None:
    digest = Message("digest", "Week 48", "The week", sections=(Section(("ok",)),), charts=CHARTS)
    small_png = (ROOT / "bot" / "msteams" / "appPackage" / "outline.png").read_bytes()  # a real 32 × 32 PNG

    drawn = build_notice_card(digest, lambda chart: small_png)
    check_card(drawn)
    images = [e for e in drawn["body"] if e["type"] == "Image"]
    assert [i["altText"] for i in images] == [c.title for c in CHARTS]
    assert all(i["url"].startswith("data:image/png;base64,") for i in images)
    assert sum(len(i["url"]) for i in images) <= MAX_EMBEDDED_BYTES

    # Tally's real charts (17–19 KB of base64 each) would take a Teams message past its size limit: numbers.
    real = build_notice_card(digest, render_png)
    undrawn = build_notice_card(digest, None)
    for card in (real, undrawn):
        check_card(card)
        facts = [e["facts"] for e in card["body"] if e["type"] == "FactSet"]
        assert facts == [
            [{"title": "Ana", "value": "84 %"}, {"title": "Ben", "value": "120 %"}],
            [{"title": "Mon", "value": "dials 40 · meetings 3"}, {"title": "Tue", "value": "dials 55 · meetings 4"}],
        ]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (ConnectorFault(429, retry_after=2), {"retry_after": 2.0, "gone": False, "unsure": False}),
        (ConnectorFault(403), {"retry_after": None, "gone": True, "unsure": False}),
        (ConnectorFault(404), {"retry_after": None, "gone": True, "unsure": False}),
        (ConnectorFault(502), {"retry_after": None, "gone": False, "unsure": True}),
        (ConnectorFault(504), {"retry_after": None, "gone": False, "unsure": True}),
        (ConnectorFault(412), {"retry_after": None, "gone": False, "unsure": False}),
        (ConnectorFault(503), {"retry_after": None, "gone": False, "unsure": False}),
    ],
    ids=lambda value: str(getattr(value, "status", "")),
)
def test_each_refusal_becomes_what_the_dispatcher_does_and_nothing_is_said_in_the_chat(
    teams: tuple[FakeBotConnector, TeamsNotifier], fault: ConnectorFault, expected: dict[str, object]
) -> None:
    connector, notifier = teams
    connector.fail_next(fault)
    with pytest.raises(DeliveryFailed) as failed:
        notifier.send(to_ana(connector), NUDGE, 7)

    outcome = {"retry_after": failed.value.retry_after, "gone": failed.value.gone, "unsure": failed.value.unsure}
    assert outcome == expected and not failed.value.workspace_gone
    assert [call.status for call in connector.calls()] == [fault.status]  # no "Exception caught" message after it


def test_no_answer_in_time_is_unsure_and_says_nothing_in_the_chat() -> None:
    with teams_sender(timeout=0.5) as (connector, notifier):
        connector.fail_next(ConnectorFault(201, delay=3))  # it lands, but after the notifier stopped waiting
        with pytest.raises(DeliveryFailed) as failed:
            notifier.send(to_ana(connector), NUDGE, 8)
        calls = connector.wait_for(1)
    assert failed.value.unsure and not failed.value.gone and "no answer" in failed.value.reason
    assert len(calls) == 1 and not any("Exception" in str(call.body.get("text")) for call in calls)


def test_a_missing_or_broken_reference_is_skipped_before_anything_is_sent(
    teams: tuple[FakeBotConnector, TeamsNotifier],
) -> None:
    connector, notifier = teams
    for reference in (None, {"conversation": "not a conversation"}, {"channelId": "msteams", "serviceUrl": "x"}):
        with pytest.raises(DeliveryFailed) as failed:
            notifier.send(Recipient("user", "aad-ana", TENANT, platform="teams", reference=reference), NUDGE, 9)
        assert failed.value.gone
    assert notifier.find_sent(to_ana(connector), 9, 0.0) is None  # Teams offers no history to look in
    assert connector.calls() == []


@pytest.mark.parametrize(
    ("env", "anonymous", "platforms"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, False, ["slack"]),
        ({"MICROSOFT_APP_ID": "app", "MICROSOFT_APP_PASSWORD": "pw", "MICROSOFT_APP_TENANT_ID": "t"}, False, ["teams"]),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, True, ["slack", "teams"]),
        ({}, False, []),
    ],
)
def test_the_scheduler_sends_to_each_platform_that_is_set_up(
    env: dict[str, str], anonymous: bool, platforms: list[str]
) -> None:
    settings = Settings.from_env(env)
    runtime = Runtime(sessions=sessionmaker(), defaults=WorkspaceDefaults())
    notifier = compose.scheduler_notifier(settings, runtime, teams_anonymous=anonymous)
    try:
        assert sorted(notifier.by_platform) == platforms
        if "teams" not in platforms:  # a tenant's delivery waits in `tally jobs failures` for the setting
            with pytest.raises(DeliveryFailed, match="MICROSOFT_APP_ID") as failed:
                notifier.send(Recipient("user", "aad-ana", TENANT, platform="teams", reference={}), NUDGE, 1)
            assert not failed.value.gone
    finally:
        notifier.close()
    if platforms:
        compose.require_sender(settings, teams_anonymous=anonymous)
    else:
        with pytest.raises(ConfigError):
            compose.require_sender(settings)


def test_a_teams_app_id_without_its_password_and_tenant_is_a_configuration_problem() -> None:
    settings = Settings.from_env({"MICROSOFT_APP_ID": "app"})
    with pytest.raises(ConfigError, match="MICROSOFT_APP_PASSWORD"):
        compose.scheduler_notifier(settings, Runtime(sessions=sessionmaker(), defaults=WorkspaceDefaults()))
