"""The Teams playground's pieces on their own: Adaptive Cards as text, and the activities a button press sends."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground import teams_activities as activities
from bot.playground.teams_render import render_activity, render_card

ALICE = activities.TeamsUser("alice", "America/New_York")
CHAT = activities.Where("http://127.0.0.1:1/")


def test_every_element_tally_uses_reads_as_text() -> None:
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Standings", "style": "heading"},
            {"type": "TextBlock", "text": "hidden", "isVisible": False},
            {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "**Week** "}, "of 23 Nov"]},
            {
                "type": "Container",
                "items": [{"type": "Table", "rows": [_row("1.", "Bob", "120%"), _row("2.", "Alice", "95%")]}],
            },
            {"type": "Image", "url": "https://example.com/chart.png", "altText": "dials per day"},
            {"type": "Input.Toggle", "id": "post", "title": "Post to the channel", "value": "true"},
            {"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Guide", "url": "https://x"}]},
            {"type": "Media"},
        ],
        "actions": [
            {"type": "Action.ShowCard", "title": "More", "card": {}},
            {"type": "Action.Execute", "title": "+10"},
        ],
    }
    assert render_card(card) == [
        "Standings",
        "═════════",
        "Week of 23 Nov",
        "1. | Bob | 120%",
        "2. | Alice | 95%",
        "[image: dials per day]",
        "Post to the channel: [true]  (post)",
        "[Guide ↗]",
        "<Media>",
        "[More ▸]  [+10]",
    ]


def _row(*cells: str) -> dict[str, Any]:
    return {
        "type": "TableRow",
        "cells": [{"type": "TableCell", "items": [{"type": "TextBlock", "text": c}]} for c in cells],
    }


def test_a_message_shows_text_then_cards_then_suggested_actions() -> None:
    activity = {
        "type": "message",
        "text": "Hi <at>Alice</at>,<br>see [the guide](https://x.example) _today_",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.hero",
                "content": {"title": "Tally", "buttons": [{"title": "Help"}]},
            },
            {"contentType": "image/png", "contentUrl": "https://x.example/a.png"},
        ],
        "suggestedActions": {"actions": [{"type": "imBack", "title": "scorecard", "value": "scorecard"}]},
    }
    assert render_activity(activity) == [
        "Hi @Alice,",
        "see the guide (https://x.example) today",
        "Tally",
        "[Help]",
        "<attachment image/png>",
        "[scorecard]",
    ]


def test_columns_sit_side_by_side_padded_to_their_widest_line() -> None:
    column_set = {
        "type": "ColumnSet",
        "columns": [
            {"items": [{"type": "TextBlock", "text": "Dials\nMeetings"}]},
            {"items": []},
            {"items": [{"type": "TextBlock", "text": "12"}]},
        ],
    }
    assert render_card({"body": [column_set]}) == ["Dials      12", "Meetings"]


@pytest.mark.parametrize(
    ("action", "kind", "name", "value", "text"),
    [
        (
            {"type": "Action.Execute", "verb": "undo", "data": {"entry": 7}},
            "invoke",
            "adaptiveCard/action",
            {"action": {"type": "Action.Execute", "verb": "undo", "data": {"entry": 7, "n": "3"}}, "trigger": "manual"},
            None,
        ),
        (
            {"type": "Action.Submit", "data": {"msteams": {"type": "imBack", "value": "scorecard"}}},
            "message",
            None,
            None,
            "scorecard",
        ),
        (
            {"type": "Action.Submit", "data": {"msteams": {"type": "messageBack", "text": "undo", "value": {"e": 1}}}},
            "message",
            None,
            {"e": 1},
            "undo",
        ),
        ({"type": "Action.Submit", "data": "plain"}, "message", None, "plain", ""),
        ({"type": "Action.Submit"}, "message", None, {"n": "3"}, ""),
    ],
)
def test_a_press_becomes_what_teams_sends_for_that_action(
    action: dict[str, Any], kind: str, name: str | None, value: Any, text: str | None
) -> None:
    sent = activities.press(ALICE, CHAT, action, {"n": "3"}, in_dialog=False, card_id="card-1")
    assert (sent["type"], sent.get("name"), sent.get("value"), sent.get("text")) == (kind, name, value, text)
    assert sent["replyToId"] == "card-1"


def test_users_have_stable_guid_ids_and_their_own_1_to_1_chat() -> None:
    again = activities.TeamsUser("alice", "UTC")
    bob = activities.TeamsUser("bob", "UTC")
    assert ALICE.aad_object_id == again.aad_object_id != bob.aad_object_id
    assert len(ALICE.aad_object_id) == 36 and ALICE.personal_conversation != bob.personal_conversation
    sent = activities.message(ALICE, CHAT, "kpis")
    assert sent["conversation"]["conversationType"] == "personal" and sent["localTimezone"] == "America/New_York"
    assert sent["channelData"] == {"tenant": {"id": activities.TENANT_ID}}
