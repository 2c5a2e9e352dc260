"""The /log grammar: every accepted form and every refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.grammar import LOG_USAGE, OpenLogForm, UndoLast, parse_log, parse_log_command, parse_no_arguments
from metrics.catalog import DEFAULT_METRICS
from metrics.deal_records import DealAction, DealRequest
from metrics.errors import DomainError, InvalidActivity, UsageError
from metrics.records import LogItem, LogRequest

TODAY = date(2026, 11, 26)  # a Thursday


def parse(text: str, *, today: date = TODAY, backdate_days: int = 7) -> object:
    return parse_log_command(text, metrics=DEFAULT_METRICS, today=today, backdate_days=backdate_days)


def items(**quantities: int) -> tuple[LogItem, ...]:
    return tuple(LogItem(key, quantity) for key, quantity in quantities.items())


@pytest.mark.parametrize(
    ("text", "expected_items", "expected_day"),
    [
        ("12 dials", items(dials=12), TODAY),
        ("12 dials 3 meetings", items(dials=12, meetings=3), TODAY),
        ("3 mtgs, 40 calls", items(meetings=3, dials=40), TODAY),
        ("45 min talk", items(talk_minutes=45), TODAY),
        ("45 talk minutes", items(talk_minutes=45), TODAY),
        ("2 opps yesterday", items(opportunities=2), date(2026, 11, 25)),
        ("5 dials on monday", items(dials=5), date(2026, 11, 23)),
        ("5 dials mon", items(dials=5), date(2026, 11, 23)),
        ("5 dials thursday", items(dials=5), TODAY),  # a weekday name means the latest one, today included
        ("5 dials last thursday", items(dials=5), date(2026, 11, 19)),
        ("7 dials 2026-11-20", items(dials=7), date(2026, 11, 20)),
        ("7 dials on 2026-11-20", items(dials=7), date(2026, 11, 20)),
        ("12 DIALS and 2 Demos", items(dials=12, meetings=2), TODAY),
        ("1,000 emails", items(emails=1000), TODAY),
        (
            "3 convos; 1 positive convo + 4 social touches",
            items(conversations=3, positive_conversations=1, social_touches=4),
            TODAY,
        ),
        ("1 opportunity 1 meeting 1 dial", items(opportunities=1, meetings=1, dials=1), TODAY),
        ("today 4 cold calls", items(dials=4), TODAY),
        ("12 dials. 3 meetings!", items(dials=12, meetings=3), TODAY),
        ("１２ dials", items(dials=12), TODAY),  # full-width digits, as some keyboards type them
        ("12 dials 3 dials", items(dials=15), TODAY),  # the same metric twice is summed, always
    ],
)
def test_accepted_forms(text: str, expected_items: tuple[LogItem, ...], expected_day: date) -> None:
    parsed = parse(text)
    assert isinstance(parsed, LogRequest)
    assert parsed.items == expected_items
    assert parsed.day == expected_day


def test_tags_are_collected_and_kept_apart_from_metrics() -> None:
    parsed = parse("12 dials #newpitch 2 meetings #Q4-push #newpitch")
    assert parsed == LogRequest(items=items(dials=12, meetings=2), day=TODAY, tags=("newpitch", "q4-push"))


def test_empty_text_opens_the_form_and_undo_undoes() -> None:
    assert parse("") == OpenLogForm()
    assert parse("   ") == OpenLogForm()
    assert parse("undo") == UndoLast()
    assert parse(" Undo ") == UndoLast()


@pytest.mark.parametrize(
    ("text", "error", "says"),
    [
        ("twelve dials", UsageError, "Write quantities as digits"),
        ("-5 dials", UsageError, "whole numbers of 1 or more"),
        ("0 dials", InvalidActivity, "whole numbers of 1 or more"),
        ("1.5 dials", UsageError, "whole numbers"),
        ("99999999 dials", InvalidActivity, "at most 500"),
        ("501 dials", InvalidActivity, "at most 500"),
        ("12 unicorns", UsageError, "I don't know the metric “unicorns”. I know: dials, conversations"),
        ("12 dails", UsageError, "Did you mean “dials”?"),
        ("12 mettings", UsageError, "Did you mean “meetings”?"),
        ("12 dials next week", UsageError, "future"),
        ("12 dials tomorrow", UsageError, "future"),
        ("12 dials 2026-11-27", InvalidActivity, "future day"),
        ("12 dials 2026-11-18", InvalidActivity, "up to 7 days back"),
        ("12 dials 2026-02-30", UsageError, "isn't a real date"),
        ("12 dials yesterday 2026-11-20", UsageError, "one day per log"),
        ("12", UsageError, "12 what?"),
        ("dials", UsageError, "How many dials?"),
        ("🎉🎉 12 dials", UsageError, "I couldn't read “🎉🎉”"),
        ("12 dials; DROP TABLE entry;--", UsageError, "I couldn't read"),
        ("12 dials <!channel>", UsageError, "I couldn't read"),
        ("x" * 4000, UsageError, "too long for one log (4,000 characters"),
        ("help", UsageError, "Log what you did"),
    ],
)
def test_refusals_say_what_is_wrong(text: str, error: type[DomainError], says: str) -> None:
    with pytest.raises(error) as caught:
        parse(text)
    assert says in caught.value.user_message
    if error is UsageError:
        assert caught.value.usage == LOG_USAGE


def test_backdating_window_is_configurable() -> None:
    assert parse("1 dial 2026-11-10", backdate_days=30).day == date(2026, 11, 10)
    with pytest.raises(InvalidActivity, match="up to 0 days back"):
        parse("1 dial yesterday", backdate_days=0)


def test_echoed_words_are_shortened() -> None:
    with pytest.raises(UsageError) as caught:
        parse("12 " + "z" * 300)
    assert "z" * 40 not in caught.value.user_message
    assert "z" * 39 + "…" in caught.value.user_message


def test_commands_without_arguments_refuse_text() -> None:
    parse_no_arguments("  ", usage="Try /scorecard")
    with pytest.raises(UsageError, match="takes no options"):
        parse_no_arguments("week", usage="Try /scorecard")


@given(st.text(max_size=300))
def test_any_text_is_either_a_command_or_a_friendly_refusal(text: str) -> None:
    try:
        parsed = parse(text)
    except DomainError as error:
        assert error.user_message
        return
    if isinstance(parsed, LogRequest):
        assert parsed.items
        assert all(item.quantity > 0 for item in parsed.items)
        assert TODAY - parsed.day <= (TODAY - date(2026, 11, 19))


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=6), st.sampled_from(["dials", "mtgs", "emails", "opps"])),
        min_size=1,
        max_size=6,
    )
)
def test_generated_valid_logs_parse_to_their_sums(pairs: list[tuple[int, str]]) -> None:
    key = {"dials": "dials", "mtgs": "meetings", "emails": "emails", "opps": "opportunities"}
    text = ", ".join(f"{quantity} {word}" for quantity, word in pairs)
    expected: dict[str, int] = {}
    for quantity, word in pairs:
        expected[key[word]] = expected.get(key[word], 0) + quantity
    parsed = parse_log(text, metrics=DEFAULT_METRICS, today=TODAY, backdate_days=7)
    assert {item.metric_key: item.quantity for item in parsed.items} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("won Acme $12,000", DealRequest(DealAction.WON, "Acme", TODAY, D(12_000))),
        ("won Acme 12k cost 4k", DealRequest(DealAction.WON, "Acme", TODAY, D(12_000), D(4_000))),
        ("opp Acme $30k", DealRequest(DealAction.OPEN, "Acme", TODAY, D(30_000))),
        ("lost Acme", DealRequest(DealAction.LOST, "Acme", TODAY)),
        ("won Acme", DealRequest(DealAction.WON, "Acme", TODAY)),
        (
            "won Acme Corp for $1.2M yesterday",
            DealRequest(DealAction.WON, "Acme Corp", date(2026, 11, 25), D(1_200_000)),
        ),
        ("new opp Big Co 40k on monday", DealRequest(DealAction.OPEN, "Big Co", date(2026, 11, 23), D(40_000))),
        ("closed won Initech $999.50", DealRequest(DealAction.WON, "Initech", TODAY, D("999.50"))),
        ("won 3M $5k", DealRequest(DealAction.WON, "3M", TODAY, D(5_000))),
        ("Won  acme  $1,000 2026-11-20", DealRequest(DealAction.WON, "acme", date(2026, 11, 20), D(1_000))),
    ],
)
def test_deal_forms(text: str, expected: DealRequest) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("won", "Which account?"),
        ("won $12k", "Which account?"),
        ("won Acme -5k", "more than 0"),
        ("won Acme $0", "more than 0"),
        ("won Acme $12k banana", "I couldn't read “banana”"),
        ("won Acme cost", "Cost how much?"),
        ("won Acme $5k 2026-12-24", "future day"),
        ("won Acme $5k 2026-01-02", "up to 7 days back"),
    ],
)
def test_deal_refusals(text: str, says: str) -> None:
    with pytest.raises(DomainError, match=says):
        parse(text)
