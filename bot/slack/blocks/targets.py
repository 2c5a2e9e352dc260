"""Replies about targets."""

from __future__ import annotations

from bot.slack.blocks.kit import Message, context, escape, message, packed_sections, section
from metrics.services.suggestions import Suggestion
from metrics.services.targets import TargetView, describe


def build_target_set_message(view: TargetView) -> Message:
    """Confirmation of a new target."""
    text = f"Target set — {describe(view)}, from {view.starts_on:%d %b}."
    note = "Daily targets count on working days only; longer ones are prorated by each rep's working days."
    return message(escape(text), [section(f":dart: {escape(text)}"), context(note)])


def build_target_list_message(views: list[TargetView], whose: str) -> Message:
    """Every target in force for a rep (and their team)."""
    if not views:
        text = f"No targets for {whose} yet. Managers set them with `/target @rep 50 dials daily`."
        return message(escape(text), [section(escape(text))])
    lines = [f"• {escape(describe(view))} (set by {escape(view.set_by or 'Tally')})" for view in views]
    count = f"{len(views)} target{'' if len(views) == 1 else 's'}"
    return message(
        escape(f"Targets for {whose}: {count}"),
        [section(f"*Targets for {escape(whose)}* · {count}"), *packed_sections(lines, max_blocks=40)],
    )


def build_suggestion_message(suggestion: Suggestion) -> Message:
    """A suggested weekly target from history."""
    text = (
        f"{suggestion.rep}'s 80th percentile over the last {suggestion.weeks} weeks is {suggestion.per_week:,} "
        f"{suggestion.metric.label} a week."
    )
    who = suggestion.rep.split()[0].lower()
    hint = f"`/target @{who} {suggestion.per_week} {suggestion.metric.label} weekly` sets it."
    return message(escape(text), [section(f":bulb: {escape(text)}"), context(escape(hint))])


def build_done_message(text: str, emoji: str = ":white_check_mark:") -> Message:
    """A one-line confirmation."""
    return message(escape(text), [section(f"{emoji} {escape(text)}")])
