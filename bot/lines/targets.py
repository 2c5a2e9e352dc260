"""Target wording: a new target, an empty list, a suggestion."""

from __future__ import annotations

from metrics.services.suggestions import Suggestion
from metrics.services.targets import TargetView, describe

PRORATION_NOTE = "Daily targets count on working days only; longer ones are prorated by each rep's working days."


def target_set_text(view: TargetView) -> str:
    """ "Target set — Bob: 50 dials daily, from 26 Nov." """
    return f"Target set — {describe(view)}, from {view.starts_on:%d %b}."


def no_targets_text(whose: str) -> str:
    """The answer to a list with nothing in it (the hint names the Slack command; Teams drops the slash)."""
    return f"No targets for {whose} yet. Managers set them with `/target @rep 50 dials daily`."


def count_text(views: list[TargetView]) -> str:
    """ "3 targets" """
    return f"{len(views)} target{'' if len(views) == 1 else 's'}"


def suggestion_text(suggestion: Suggestion) -> str:
    """The rep's 80th percentile, as a weekly target."""
    return (
        f"{suggestion.rep}'s 80th percentile over the last {suggestion.weeks} weeks is {suggestion.per_week:,} "
        f"{suggestion.metric.label} a week."
    )


def suggestion_command(suggestion: Suggestion) -> str:
    """The command that sets the suggestion (Slack's form; Teams drops the slash)."""
    who = suggestion.rep.split()[0].lower()
    return f"/target @{who} {suggestion.per_week} {suggestion.metric.label} weekly"
