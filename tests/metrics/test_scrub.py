"""Taking a name and user ids out of text: whole words only, mentions whole, JSON values and keys."""

from __future__ import annotations

import json

import pytest

from metrics.scrub import scrubber

SCRUB = scrubber(["Al Brown", "José"], ["UAL1"], "Former rep 3")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("added Al Brown, Cy to East", "added Former rep 3, Cy to East"),
        ("Al Brown's target", "Former rep 3's target"),
        ("Al Browning and Al Brownie stay", "Al Browning and Al Brownie stay"),  # not a whole word
        ("al brown", "al brown"),  # Tally writes names as they are; other words are left alone
        (
            "ping <@UAL1> or <@UAL1|al>, id UAL1, not UAL10",
            "ping Former rep 3 or Former rep 3, id Former rep 3, not UAL10",
        ),
        ("José ganó", "Former rep 3 ganó"),
    ],
)
def test_text(text: str, expected: str) -> None:
    assert SCRUB.text(text) == expected


def test_json_values_and_keys_and_the_searched_forms() -> None:
    data = {"title": "Al Brown won", "lines": ["1. José", 3, None], "Al Brown": {"n": "UAL1"}}
    assert SCRUB.data(data) == {
        "title": "Former rep 3 won",
        "lines": ["1. Former rep 3", 3, None],
        "Former rep 3": {"n": "Former rep 3"},
    }
    assert json.dumps("José")[1:-1] in SCRUB.searched and "José" in SCRUB.searched  # as JSON may store it


def test_a_one_letter_name_is_left_alone() -> None:
    assert scrubber(["A"], [], "Former rep 1").text("A teammate") == "A teammate"
