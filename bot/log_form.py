"""Reading a submitted log form (Slack's modal, Teams' dialog) into a LogRequest: the same rules everywhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from metrics.catalog import loggable
from metrics.errors import UsageError
from metrics.records import LogItem, LogRequest, MetricSpec

_TAG_WORD = re.compile(r"#?([\w-]{1,40})")


def read_log_fields(
    numbers: Mapping[str, object], day: object, tags: object, metrics: tuple[MetricSpec, ...]
) -> LogRequest:
    """Turn a form's fields into a LogRequest; the rules (caps, days) are the ledger's to check.

    Args:
        numbers: what was typed per metric key (missing or empty: not logged).
        day: the chosen day, ISO.
        tags: the tags field ("#webinar cold" or empty).
        metrics: the workspace's catalog.

    Raises:
        UsageError: nothing filled in, a non-whole number, or a missing day; `field` names the input.
    """
    items = []
    metrics = loggable(metrics)
    for spec in metrics:
        raw = numbers.get(spec.key)
        if raw in (None, ""):
            continue
        if not str(raw).isdigit():
            raise UsageError(f"Use a whole number for {spec.label}.", field=spec.key)
        items.append(LogItem(spec.key, int(str(raw))))
    if not items:
        first = metrics[0].key if metrics else None
        raise UsageError("Fill in at least one number.", field=first)
    return LogRequest(items=tuple(items), day=_day(day), tags=_tags(tags))


def _day(raw: object) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise UsageError("Pick a day.", field="day") from None


def _tags(raw: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(match.group(1).lower() for match in _TAG_WORD.finditer(str(raw or ""))))
