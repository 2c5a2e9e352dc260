"""Help and error replies."""

from __future__ import annotations

from bot.slack.blocks.kit import Message, context, escape, header, message, section
from metrics.catalog import loggable
from metrics.errors import DomainError
from metrics.records import MetricSpec

SOMETHING_WENT_WRONG = "Something went wrong on my side and nothing was saved. Please try again in a moment."

COMMANDS = (
    ("/log 12 dials 3 meetings", "log what you did today; several metrics in one line"),
    ("/log 45 min talk yesterday", "backdate with yesterday, a weekday (on monday) or a date (2026-11-20)"),
    ("/log 7 dials #newpitch", "tag a log to compare approaches later"),
    ("/log", "open a form to log several metrics"),
    ("/log undo", "undo your last log (or press Undo under it)"),
    ("/log opp Acme $30k", "open an opportunity (it also counts 1 opportunity)"),
    ("/log won Acme 12k cost 4k", "win your open Acme deal (or record a new one); `/log lost Acme` loses it"),
    ("/scorecard", "your activity today and this week, and your deals this month"),
    ("/kpis last quarter", "the eight sales KPIs for you; add `team`, `everyone` or a period (`2026-Q3`, `all`)"),
    ("/tally help", "this list"),
)


def build_help_message(metrics: tuple[MetricSpec, ...]) -> Message:
    """Every command with an example, and the metric names Tally understands."""
    commands = "\n".join(f"`{example}` — {what}" for example, what in COMMANDS)
    names = "\n".join(f"*{spec.label}*: {', '.join(spec.aliases)}" for spec in loggable(metrics))
    blocks = [
        header("Tally — commands"),
        section(commands),
        section(f"*Metrics and the words for them*\n{escape(names)}"),
        context("Your App Home tab shows your scorecard and a Log button."),
    ]
    return message("Tally commands: " + "; ".join(example for example, _ in COMMANDS), blocks)


def build_error_message(error: DomainError) -> Message:
    """A refusal: what was wrong (user text escaped) and, where known, the right usage."""
    text = escape(error.user_message)
    blocks = [section(f":warning: {text}")]
    if error.usage:
        blocks.append(context(error.usage))
    fallback = text if not error.usage else f"{text} {error.usage}"
    return message(fallback, blocks)


def build_failure_message() -> Message:
    """The reply when something unexpected failed: no details, nothing saved, try again."""
    return message(SOMETHING_WENT_WRONG, [section(f":x: {SOMETHING_WENT_WRONG}")])
