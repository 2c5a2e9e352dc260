"""What a Teams turn answers with, and the replies every command shares: help, refusals, confirmations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.msteams.cards.kit import Card, card, facts, heading, md, task_button, text
from metrics.catalog import loggable
from metrics.errors import DomainError
from metrics.records import MetricSpec

SOMETHING_WENT_WRONG = "Something went wrong on my side and nothing was saved. Please try again in a moment."
# The core and the grammars word their hints for Slack's slash commands; in Teams the same words are messages.
_SLASH_COMMAND = re.compile(r"(?<![\w/:.])/(?=(?:log|scorecard|standings|target|plan|funnel|kpis|tally)\b)")
LOG_SEVERAL = "Log several…"
UNDO = "undo"  # the `tally` value in an Undo button's data
QUICK_LOG = "quick_log"  # a nudge's one-tap button: {"tally": "quick_log", "value": "dials:10"} (notice_card.py)
LOG_FORM = "log-form"  # the `tally` value in a Log several button's data

COMMANDS = (
    ("log 12 dials 3 meetings", "log what you did today; several metrics in one line"),
    ("log 45 min talk yesterday", "backdate with yesterday, a weekday (on monday) or a date (2026-11-20)"),
    ("log 7 dials #newpitch", "tag a log to compare approaches later"),
    ("log", "open a form to log several metrics"),
    ("log undo", "undo your last log (or press Undo under it)"),
    ("log opp Acme $30k", "open an opportunity (it also counts 1 opportunity)"),
    ("log won Acme 12k cost 4k", "win your open Acme deal (or record a new one); log lost Acme loses it"),
    ("scorecard month", "your activity against your targets: pace, score, rank, streak and the next step"),
    ("standings", "your team's board, ranked by % of each rep's own target; points, or a metric"),
    ("target @bob 50 dials daily", "set a target (managers); me 60 dials daily for your own goal; list, clear"),
    ("plan $5M year", "work back from revenue to deals, meetings and dials per rep per day; then plan apply"),
    ("kpis last quarter", "the eight sales KPIs for you; add team, everyone or a period (2026-Q3, all)"),
    ("team channel", "in a team's channel (managers): standings posts and celebrations come here"),
    ("tally setup", "become Tally's admin if it has none yet; then tally team create East"),
    ("tally team add @ben @cho to East", "put people on a team (admins); tally role @ben manager East; tally teams"),
    ("tally pto 2026-12-24..2026-12-31", "your PTO; also tally mute 3 days, tally privacy hide, tally me, tally audit"),
    ("help", "this list"),
)


@dataclass(frozen=True, slots=True)
class Reply:
    """What Tally answers a turn with: plain text (the whole answer, or a card's fallback and summary), an
    optional Adaptive Card, and whether it takes the place of the card whose button was pressed."""

    text: str
    card: Card | None = None
    replace_original: bool = False


def from_core(words: str) -> str:
    """A core or grammar message as Teams markdown: commands without their slash, `code` in bold, the rest
    escaped (it may quote what the person typed)."""
    parts = _SLASH_COMMAND.sub("", words).split("`")
    return "".join(f"**{md(part)}**" if index % 2 else md(part) for index, part in enumerate(parts))


def plain(words: str) -> str:
    """A core message as plain text for a fallback: commands without their slash, no backticks."""
    return _SLASH_COMMAND.sub("", words).replace("`", "")


def build_help_reply(metrics: tuple[MetricSpec, ...], greeting: str = "") -> Reply:
    """Every command with an example, the metric names Tally understands, and a button to log several; with a
    `greeting` above them, it is the welcome a person gets when they install Tally."""
    names = [(spec.label.capitalize(), ", ".join(spec.aliases)) for spec in loggable(metrics)]
    body = [
        *([text(greeting)] if greeting else []),
        heading("Tally — commands"),
        text("Write to me here, or mention me in a channel: **@Tally scorecard**."),
        facts([(example, what) for example, what in COMMANDS]),
        text("**Metrics and the words for them**"),
        facts(names),
    ]
    fallback = (f"{greeting} " if greeting else "") + "Tally commands: " + "; ".join(ex for ex, _ in COMMANDS)
    return Reply(fallback, card(body, fallback=fallback, actions=[task_button(LOG_SEVERAL, {"tally": LOG_FORM})]))


def build_error_reply(error: DomainError) -> Reply:
    """A refusal: what was wrong and, where known, the right usage."""
    body = [text(f"⚠️ {from_core(error.user_message)}")]
    if error.usage:
        body.append(text(from_core(error.usage), subtle=True))
    fallback = plain(error.user_message if not error.usage else f"{error.user_message} {error.usage}")
    return Reply(fallback, card(body, fallback=fallback))


def build_failure_reply() -> Reply:
    """The reply when something unexpected failed: no details, nothing saved, try again."""
    return Reply(SOMETHING_WENT_WRONG)


def build_done_reply(words: str, emoji: str = "✅") -> Reply:
    """A one-line confirmation (plain text: a card would add nothing)."""
    return Reply(f"{emoji} {plain(words)}")
