"""Reading the log form's submitted state into a LogRequest."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.slack.blocks import ids
from metrics.catalog import loggable
from metrics.errors import DomainError, UsageError
from metrics.records import LogItem, LogRequest, MetricSpec

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
