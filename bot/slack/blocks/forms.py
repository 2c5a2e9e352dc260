"""The modal for logging several metrics at once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.slack.blocks import ids
from bot.slack.blocks.kit import context
from metrics.catalog import loggable
from metrics.records import MetricSpec


def build_log_form(metrics: tuple[MetricSpec, ...], today: date, backdate_days: int) -> dict[str, Any]:
    """A modal with one optional whole-number field per metric, a day picker and tags.

    Slack enforces the per-field bounds in the client (min 1, max the metric's daily cap); the server checks
    them again when the form comes back.
    """
    earliest = today - timedelta(days=backdate_days)
    return {
        "type": "modal",
        "callback_id": ids.LOG_FORM,
        "title": {"type": "plain_text", "text": "Log activity"},
        "submit": {"type": "plain_text", "text": "Log"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            *(_metric_input(spec) for spec in loggable(metrics)),
            {
                "type": "input",
                "block_id": ids.DAY_BLOCK,
                "label": {"type": "plain_text", "text": "Day"},
                "element": {"type": "datepicker", "action_id": ids.DAY_INPUT, "initial_date": today.isoformat()},
            },
            {
                "type": "input",
                "block_id": ids.TAGS_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Tags"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.TAGS_INPUT,
                    "max_length": 200,
                    "placeholder": {"type": "plain_text", "text": "#newpitch"},
                },
            },
            context(f"Fill in what you did; leave the rest empty. Days from {earliest:%d %b} to today."),
        ],
    }


def _metric_input(spec: MetricSpec) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": f"{ids.METRIC_BLOCK_PREFIX}{spec.key}",
        "optional": True,
        "label": {"type": "plain_text", "text": spec.label.capitalize()[:2000]},
        "element": {
            "type": "number_input",
            "action_id": ids.METRIC_INPUT,
            "is_decimal_allowed": False,
            "min_value": "1",
            "max_value": str(spec.daily_cap),
        },
    }
