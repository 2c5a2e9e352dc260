"""Reading the log form's submitted state into a LogRequest."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.log_form import read_log_fields
from bot.slack.blocks import ids
from bot.slack.blocks.replies import SOMETHING_WENT_WRONG
from metrics.errors import DomainError, UsageError
from metrics.records import LogRequest, MetricSpec

logger = logging.getLogger(__name__)


def read_log_form(values: dict[str, dict[str, dict[str, Any]]], metrics: tuple[MetricSpec, ...]) -> LogRequest:
    """Turn `view.state.values` into a LogRequest (bot/log_form.py holds the rules).

    Raises:
        UsageError: nothing filled in, a non-whole number, or a missing day; `field` names the input.
    """
    numbers = {
        spec.key: values.get(f"{ids.METRIC_BLOCK_PREFIX}{spec.key}", {}).get(ids.METRIC_INPUT, {}).get("value")
        for spec in metrics
    }
    day = values.get(ids.DAY_BLOCK, {}).get(ids.DAY_INPUT, {}).get("selected_date")
    tags = values.get(ids.TAGS_BLOCK, {}).get(ids.TAGS_INPUT, {}).get("value")
    return read_log_fields(numbers, day, tags, metrics)


def form_errors(error: DomainError, metrics: tuple[MetricSpec, ...]) -> dict[str, str]:
    """Map a refusal onto the form field it concerns (Slack shows it under that field)."""
    keys = {spec.key for spec in metrics}
    if error.field in keys:
        block = f"{ids.METRIC_BLOCK_PREFIX}{error.field}"
    elif error.field == "day" or not metrics:
        block = ids.DAY_BLOCK
    else:
        block = f"{ids.METRIC_BLOCK_PREFIX}{metrics[0].key}"
    return {block: error.user_message[:150]}


@dataclass(frozen=True, slots=True)
class SettingsForm:
    """What the settings modal sent back."""

    timezone: str | None
    nudge_time: time | None
    work_days: str
    hidden: bool
    pto: tuple[date, date] | None


def read_settings_form(values: dict[str, dict[str, dict[str, Any]]]) -> SettingsForm:
    """Turn the settings modal's state into settings.

    Raises:
        UsageError: a PTO end without a start, or before it; `field` names the input.
    """

    def element(block: str) -> dict[str, Any]:
        return values.get(block, {}).get(ids.SETTING_INPUT, {})

    nudge = element(ids.SETTING_NUDGE).get("selected_time")
    days = "".join(sorted(option["value"] for option in element(ids.SETTING_WORK_DAYS).get("selected_options") or []))
    first = element(ids.SETTING_PTO_FIRST).get("selected_date")
    last = element(ids.SETTING_PTO_LAST).get("selected_date")
    if last and not first:
        raise UsageError("Pick the first day of the PTO too.", field="pto")
    pto = (date.fromisoformat(first), date.fromisoformat(last or first)) if first else None
    return SettingsForm(
        timezone=(element(ids.SETTING_TIMEZONE).get("value") or "").strip() or None,
        nudge_time=time.fromisoformat(nudge) if nudge else None,
        work_days=days,
        hidden=bool(element(ids.SETTING_PRIVACY).get("selected_options")),
        pto=pto,
    )


SETTINGS_FIELDS = {"timezone": ids.SETTING_TIMEZONE, "work_days": ids.SETTING_WORK_DAYS, "pto": ids.SETTING_PTO_FIRST}


def settings_errors(error: Exception) -> dict[str, str]:
    """The settings form's errors for a failure: a refusal under its field, anything else logged and apologised
    for (a modal has no response_url, so the form itself must say it)."""
    if isinstance(error, DomainError):
        return {SETTINGS_FIELDS.get(error.field or "", ids.SETTING_TIMEZONE): error.user_message[:150]}
    logger.error("settings form failed", exc_info=error)
    return {ids.SETTING_TIMEZONE: SOMETHING_WENT_WRONG[:150]}
