"""Replies about targets."""

from __future__ import annotations

from bot.lines import targets as words
from bot.slack.blocks.kit import Message, context, escape, message, packed_sections, section
from metrics.services.suggestions import Suggestion
from metrics.services.targets import TargetView, describe


def build_target_set_message(view: TargetView) -> Message:
    """Confirmation of a new target."""
    text = words.target_set_text(view)
    return message(escape(text), [section(f":dart: {escape(text)}"), context(words.PRORATION_NOTE)])


def build_target_list_message(views: list[TargetView], whose: str) -> Message:
    """Every target in force for a rep (and their team)."""
    if not views:
        text = words.no_targets_text(whose)
        return message(escape(text), [section(escape(text))])
    lines = [f"• {escape(describe(view))} (set by {escape(view.set_by or 'Tally')})" for view in views]
    count = words.count_text(views)
    return message(
        escape(f"Targets for {whose}: {count}"),
        [section(f"*Targets for {escape(whose)}* · {count}"), *packed_sections(lines, max_blocks=40)],
    )


def build_suggestion_message(suggestion: Suggestion) -> Message:
    """A suggested weekly target from history."""
    text = words.suggestion_text(suggestion)
    hint = f"`{words.suggestion_command(suggestion)}` sets it."
    return message(escape(text), [section(f":bulb: {escape(text)}"), context(escape(hint))])


def build_done_message(text: str, emoji: str = ":white_check_mark:") -> Message:
    """A one-line confirmation."""
    return message(escape(text), [section(f"{emoji} {escape(text)}")])
