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
    ("/scorecard month", "your activity against your targets: pace, score, rank, streak and the next step"),
    ("/standings", "your team's board, ranked by % of each rep's own target; `points`, a metric, `post`"),
    ("/target @bob 50 dials daily", "set a target (managers); `me 60 dials daily` for your own goal; `list`, `clear`"),
    ("/target suggest @bob dials", "a target from the rep's last 12 weeks (their 80th percentile)"),
    ("/plan $5M year", "work back from revenue to deals, meetings and dials per rep per day; then `/plan apply`"),
    ("/funnel quarter", "conversion at each stage against the team median; where each rep loses most"),
    ("/kpis last quarter", "the eight sales KPIs for you; add `team`, `everyone` or a period (`2026-Q3`, `all`)"),
    ("/tally pto 2026-12-24..2026-12-31", "days off (targets shrink, nudges pause); `pto list`, `pto cancel`"),
    ("/tally mute until monday", "pause nudges; `/tally unmute`; `/tally privacy hide` to be “a teammate”"),
    ("/tally me timezone Europe/London", "your own settings: timezone, workweek sun-thu, holidays GB-ENG, nudge 08:30"),
    ("/tally setup", "the first to run it becomes admin; then `team create`, `team add`, `role`, `audit`"),
    ("/tally weights meetings=10", "score weights (admins); `/tally visibility meetings managers` hides a metric"),
    ("/tally settings workweek sun-thu", "workspace settings (admins): timezone, workweek, holidays, weekstart"),
    ("/tally schedule standings 17:00", "when nudges, posts, digests go out (admins); `/tally schedule` shows it"),
    ("/tally export entries", "a CSV of entries, `deals`, `targets` or `audit`, sent to you by DM (admins)"),
    ("/tally forget @bob", "removes a person's name and Slack account; their numbers stay, anonymous (admins)"),
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
