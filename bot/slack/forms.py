"""Reading the log form's submitted state into a LogRequest."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.slack.blocks import ids
from bot.slack.blocks.replies import SOMETHING_WENT_WRONG
from metrics.catalog import loggable
from metrics.errors import DomainError, UsageError
from metrics.records import LogItem, LogRequest, MetricSpec

logger = logging.getLogger(__name__)
_TAG_WORD = re.compile(r"#?([\w-]{1,40})")


def read_log_form(values: dict[str, dict[str, dict[str, Any]]], metrics: tuple[MetricSpec, ...]) -> LogRequest:
    """Turn `view.state.values` into a LogRequest; the rules (caps, days) are the ledger's to check.

    Raises:
        UsageError: nothing filled in, a non-whole number, or a missing day; `field` names the input.
    """
    items = []
    metrics = loggable(metrics)
    for spec in metrics:
        raw = values.get(f"{ids.METRIC_BLOCK_PREFIX}{spec.key}", {}).get(ids.METRIC_INPUT, {}).get("value")
        if raw in (None, ""):
            continue
        if not str(raw).isdigit():
            raise UsageError(f"Use a whole number for {spec.label}.", field=spec.key)
        items.append(LogItem(spec.key, int(raw)))
    if not items:
        first = metrics[0].key if metrics else None
        raise UsageError("Fill in at least one number.", field=first)
    return LogRequest(items=tuple(items), day=_day(values), tags=_tags(values))


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


def _day(values: dict[str, dict[str, dict[str, Any]]]) -> date:
    raw = values.get(ids.DAY_BLOCK, {}).get(ids.DAY_INPUT, {}).get("selected_date")
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise UsageError("Pick a day.", field="day") from None


def _tags(values: dict[str, dict[str, dict[str, Any]]]) -> tuple[str, ...]:
    raw = values.get(ids.TAGS_BLOCK, {}).get(ids.TAGS_INPUT, {}).get("value") or ""
    return tuple(dict.fromkeys(match.group(1).lower() for match in _TAG_WORD.finditer(str(raw))))


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
