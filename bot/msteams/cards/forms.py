"""The log dialog (a Teams task module): one number per metric, a day, tags."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.msteams.cards.kit import Card, Element, card, submit, text
from metrics.catalog import loggable
from metrics.records import MetricSpec

METRIC_PREFIX = "metric:"  # an Input.Number's id is the prefix and the metric key
DAY = "day"
TAGS = "tags"
SUBMIT = "log-form-submit"  # the `tally` value of the dialog's Log button
TITLE = "Log activity"


def build_log_form(metrics: tuple[MetricSpec, ...], today: date, backdate_days: int, problem: str = "") -> Card:
    """The dialog's card; `problem` (a refusal, already worded for Teams) is shown on top when re-asking."""
    body: list[Element] = [text(f"⚠️ {problem}")] if problem else []
    for spec in loggable(metrics):
        body.append(
            {
                "type": "Input.Number",
                "id": f"{METRIC_PREFIX}{spec.key}",
                "label": spec.label.capitalize(),
                "min": 0,
                "max": spec.daily_cap,
                "placeholder": "0",
            }
        )
    body.append(
        {
            "type": "Input.Date",
            "id": DAY,
            "label": "Day",
            "value": today.isoformat(),
            "min": (today - timedelta(days=backdate_days)).isoformat(),
            "max": today.isoformat(),
        }
    )
    body.append({"type": "Input.Text", "id": TAGS, "label": "Tags (optional)", "placeholder": "#webinar"})
    return card(body, fallback=TITLE, actions=[submit("Log", {"tally": SUBMIT})])


def task_continue(form: Card) -> dict[str, Any]:
    """The invoke answer that shows (or shows again) the dialog with `form`."""
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": form}
    return {
        "task": {
            "type": "continue",
            "value": {"title": TITLE, "width": "small", "height": "medium", "card": attachment},
        }
    }


def read_form_data(data: dict[str, Any]) -> tuple[dict[str, object], object, object]:
    """(numbers by metric key, day, tags) from what the dialog's Log button sent."""
    numbers = {key.removeprefix(METRIC_PREFIX): value for key, value in data.items() if key.startswith(METRIC_PREFIX)}
    return numbers, data.get(DAY), data.get(TAGS)
