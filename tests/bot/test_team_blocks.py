"""The team-facing replies (targets, plans, funnels, teams, audit, PTO) inside Slack's limits for 1 and 200 reps."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.slack.blocks.admin import build_audit_message, build_pto_message, build_teams_message
from bot.slack.blocks.funnel import build_funnel_message
from bot.slack.blocks.kit import Message
from bot.slack.blocks.plan import build_plan_message
from bot.slack.blocks.targets import build_suggestion_message, build_target_list_message, build_target_set_message
from metrics import kpis
from metrics.catalog import LEADING_METRICS
from metrics.periods import PeriodKind, week_period, year_period
from metrics.services.audit import AuditEntry
from metrics.services.funnel import STAGES, Funnel, FunnelRow
from metrics.services.planning import Plan, Rate
from metrics.services.preferences import PtoRange
from metrics.services.suggestions import Suggestion
from metrics.services.targets import TargetView
from metrics.services.teams import TeamSummary
from tests.bot import test_blocks as base

TODAY = date(2026, 11, 26)
DIALS = LEADING_METRICS[0]


def targets(count: int) -> list[TargetView]:
    return [
        TargetView(n, f"Rep number {n:03} with a long name", DIALS, PeriodKind.DAY, Decimal(50), False, TODAY, "Dee")
        for n in range(count)
    ]


def plan() -> Plan:
    rates = {key: Rate(Decimal("0.25"), 1_234, "last 180 days") for key in ("opportunities", "meetings")}
    rates["conversations"] = Rate(None, 0, "last 180 days")
    result = kpis.backward_plan(
        5_000_000,
        100_000,
        Decimal("0.25"),
        kpis.StageRates(Decimal("0.25"), Decimal("0.25")),
        reps=3,
        working_days_left=27,
    )
    return Plan(
        "your team",
        year_period(TODAY),
        Decimal(5_000_000),
        Decimal(0),
        3,
        27,
        Rate(Decimal(100_000), 0, "given"),
        Rate(Decimal("0.25"), 0, "given"),
        rates,
        result,
    )


def funnel(reps: int) -> Funnel:
    rates: dict[str, Decimal | None] = {label: Decimal("0.2") for label, _, _ in STAGES}
    counts = {"dials": 150, "conversations": 30, "meetings": 1, "opportunities": 1, "won": 1, "closed": 1}
    rows = tuple(FunnelRow(f"Rep number {n:03}", counts, rates, STAGES[1][0]) for n in range(reps))
    return Funnel("your team", week_period(TODAY), rates, rows)


def teams(count: int, members: int) -> list[TeamSummary]:
    names = tuple(f"Rep number {n:03}" for n in range(members))
    return [TeamSummary(f"Team {n}", f"C{n:08}", "Dee", names) for n in range(count)]


def audit(count: int) -> list[AuditEntry]:
    at = datetime(2026, 11, 26, 15, tzinfo=UTC)
    return [AuditEntry(at, "Ann", "targets", f"Rep number {n:03}: 50 dials a day (was 40) " * 3) for n in range(count)]


MESSAGES: dict[str, Message] = {
    "target set": build_target_set_message(targets(1)[0]),
    "no targets": build_target_list_message([], "you"),
    "one target": build_target_list_message(targets(1), "you"),
    "600 targets": build_target_list_message(targets(600), "you and your teams"),
    "suggestion": build_suggestion_message(Suggestion("Bob Smith", DIALS, 98, 12)),
    "plan": build_plan_message(plan()),
    "funnel of 1": build_funnel_message(funnel(1)),
    "funnel of 200": build_funnel_message(funnel(200)),
    "no teams": build_teams_message([]),
    "a team of 200": build_teams_message(teams(1, 200)),
    "60 teams": build_teams_message(teams(60, 4)),
    "audit": build_audit_message(audit(25)),
    "pto": build_pto_message([PtoRange(n, TODAY, TODAY) for n in range(1, 30)]),
}


@pytest.mark.parametrize("name", MESSAGES)
def test_team_messages_fit_slacks_limits_and_the_schema(name: str) -> None:
    message: dict[str, Any] = dict(MESSAGES[name])
    assert message["text"].strip() and len(message["text"]) <= 3_000
    assert 1 <= len(message["blocks"]) <= 50
    for block in message["blocks"]:
        Block.parse(block).validate_json()
    assert len(json.dumps(message)) < 40_000
    assert [error.message for error in base.block_kit_validator().iter_errors(message["blocks"])] == []


def test_long_lists_say_how_many_they_leave_out() -> None:
    many = json.dumps(MESSAGES["600 targets"])
    assert "600 targets" in many and "Rep number 000" in many and "more" in many
    assert "…" not in "".join(block["text"]["text"][-3:] for block in MESSAGES["600 targets"]["blocks"][1:-1])
    assert "and 160 more" in json.dumps(MESSAGES["a team of 200"])
    assert "…and 155 more" in json.dumps(MESSAGES["funnel of 200"], ensure_ascii=False)


def test_the_plan_names_what_each_rate_rests_on() -> None:
    text = " ".join(json.dumps(block, ensure_ascii=False) for block in MESSAGES["plan"]["blocks"])
    assert "50 · 1 per rep per working day" in text and "200 · 3 per rep per working day" in text
    assert "1,234 observations, last 180 days" in text and "no data (0 observations, last 180 days)" in text
