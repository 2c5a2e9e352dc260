"""Turning the lines of an export into rows, each line either a row or a problem with its line number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from metrics.deal_records import Stage
from metrics.imports.columns import Table
from metrics.imports.values import BadValue, parse_count, parse_date, parse_flag, parse_money, stage_of

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A line that was skipped, and why."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read values: a fixed date format, and a CRM's own won/lost stage names."""

    date_format: str | None = None
    won: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DealRow:
    line: int
    external_id: str
    owner: str
    account: str | None
    amount: Decimal | None
    cost: Decimal | None
    stage: Stage
    created: date | None
    closed: date | None
    contract_months: int | None
    product: str | None
    recurring: bool


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    line: int
    external_id: str | None
    account: str
    starts_on: date
    ends_on: date | None
    mrr: Decimal
    arr: Decimal | None
    churned: bool
    churned_on: date | None


@dataclass(frozen=True, slots=True)
class ActivityRow:
    line: int
    external_id: str | None
    rep: str
    day: date
    metric: str
    quantity: int


@dataclass(frozen=True, slots=True)
class RepRow:
    line: int
    name: str
    team: str
    manager: str | None


def read_rows(table: Table, parse: Callable[[int, dict[str, str]], R]) -> tuple[list[R], list[ImportProblem]]:
    """Parse every line; a line with the wrong number of values or a bad value becomes a problem instead."""
    rows: list[R] = []
    problems: list[ImportProblem] = []
    for line, values in table.lines():
        if len(values) != len(table.header):
            problems.append(ImportProblem(line, f"has {len(values)} values; the header has {len(table.header)}"))
            continue
        fields = {field: values[index].strip() for field, index in table.columns.items()}
        try:
            rows.append(parse(line, fields))
        except BadValue as error:
            problems.append(ImportProblem(line, str(error)))
    return rows, problems


def deal_parser(options: ReadOptions) -> Callable[[int, dict[str, str]], DealRow]:
    """A parser of one deal line."""

    def parse(line: int, fields: dict[str, str]) -> DealRow:
        external_id, owner = _required(fields, "id"), _required(fields, "owner")
        stage = stage_of(fields.get("stage", ""), options.won, options.lost)
        created = parse_date(fields.get("created", ""), options.date_format)
        # An open opportunity's "Close Date" is only the expected one: it is not a close.
        closed = None if stage is Stage.OPEN else parse_date(fields.get("closed", ""), options.date_format)
        amount = parse_money(fields.get("amount", ""))
        if stage is not Stage.OPEN and closed is None:
            raise BadValue(f"a {stage.value} deal without a close date")
        if stage is Stage.WON and amount is None:
            raise BadValue("a won deal without an amount")
        if created and closed and closed < created:
            raise BadValue(f"closed ({closed}) before it was created ({created})")
        months = parse_count(fields.get("contract_months", ""), "contract_months", limit=1200)
        recurring = parse_flag(fields["recurring"], "recurring") if "recurring" in fields else months is not None
        return DealRow(
            line, external_id[:64], owner[:200], fields.get("account") or None, amount,
            parse_money(fields.get("cost", "")), stage, created, closed, months, fields.get("product") or None,
            recurring,
        )  # fmt: skip

    return parse


def subscription_parser(options: ReadOptions) -> Callable[[int, dict[str, str]], SubscriptionRow]:
    """A parser of one subscription line."""

    def parse(line: int, fields: dict[str, str]) -> SubscriptionRow:
        account = _required(fields, "account")
        starts_on = parse_date(fields.get("start", ""), options.date_format)
        if starts_on is None:
            raise BadValue("no start date")
        ends_on = parse_date(fields.get("end", ""), options.date_format)
        mrr, arr = parse_money(fields.get("mrr", "")), parse_money(fields.get("arr", ""))
        if mrr is None and arr is None:
            raise BadValue("neither MRR nor ARR")
        churned = parse_flag(fields.get("churned", ""), "churned")
        churned_on = parse_date(fields.get("churned_on", ""), options.date_format) or (ends_on if churned else None)
        if churned and churned_on is None:
            raise BadValue("churned, but neither an end date nor a churn date")
        ends_on = ends_on or churned_on  # a churned subscription ends when it churned, even if no end date was given
        monthly = mrr if mrr is not None else (arr or Decimal(0)) / 12
        return SubscriptionRow(
            line, (fields.get("id") or "")[:64] or None, account, starts_on, ends_on, monthly, arr, churned, churned_on
        )

    return parse


def activity_parser(options: ReadOptions) -> Callable[[int, dict[str, str]], ActivityRow]:
    """A parser of one activity line."""

    def parse(line: int, fields: dict[str, str]) -> ActivityRow:
        day = parse_date(fields.get("date", ""), options.date_format)
        if day is None:
            raise BadValue("no date")
        quantity = parse_count(fields.get("quantity", ""), "quantity")
        if not quantity:
            raise BadValue("a quantity of 1 or more is needed")
        return ActivityRow(
            line,
            (fields.get("id") or "")[:200] or None,
            _required(fields, "rep"),
            day,
            _required(fields, "metric"),
            quantity,
        )

    return parse


def rep_parser(_options: ReadOptions) -> Callable[[int, dict[str, str]], RepRow]:
    """A parser of one rep/team line."""

    def parse(line: int, fields: dict[str, str]) -> RepRow:
        return RepRow(line, _required(fields, "name"), _required(fields, "team"), fields.get("manager") or None)

    return parse


def _required(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "")
    if not value:
        raise BadValue(f"no {name}")
    return value


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did: lines read, rows new, changed and unchanged, and every line skipped with its reason."""

    kind: str
    rows: int
    imported: int
    updated: int
    unchanged: int
    problems: tuple[ImportProblem, ...]

    @property
    def skipped(self) -> int:
        """Lines that were not imported."""
        return len(self.problems)
