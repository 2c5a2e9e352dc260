"""`tally import …` and `tally report kpis`: the data commands, given sessions by the composition root."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from bot.period_grammar import parse_period
from bot.report_format import report_csv, report_json, report_table
from metrics.deal_records import GroupBy
from metrics.errors import DomainError
from metrics.imports import columns, rows
from metrics.imports.rows import ImportSummary, ReadOptions
from metrics.periods import local_date, zone
from metrics.records import WorkspaceDefaults
from metrics.services import imports, reports
from metrics.services.workspaces import choose_workspace

Store = Callable[..., ImportSummary]
KINDS: dict[str, tuple[dict[str, tuple[tuple[str, ...], bool]], Callable[[ReadOptions], Any], Store]] = {
    "deals": (columns.DEAL_FIELDS, rows.deal_parser, imports.import_deals),
    "subscriptions": (columns.SUBSCRIPTION_FIELDS, rows.subscription_parser, imports.import_subscriptions),
    "activities": (columns.ACTIVITY_FIELDS, rows.activity_parser, imports.import_activities),
    "reps": (columns.REP_FIELDS, rows.rep_parser, imports.import_reps),
}
SHOWN_PROBLEMS = 50
DATE_FIELDS = {"deals": ("created", "closed"), "subscriptions": ("start", "end", "churned_on"), "activities": ("date",)}


def add_commands(commands: Any) -> None:
    """Add `import` and `report` to the `tally` parser's subcommands."""
    importer = commands.add_parser("import", help="import a CRM export (deals, subscriptions, activities, reps)")
    importer.add_argument("kind", choices=sorted(KINDS))
    importer.add_argument("file", type=Path)
    importer.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read FIELD from COLUMN (repeatable), e.g. --map owner=sales_agent",
    )
    importer.add_argument("--won", action="append", default=[], metavar="STAGE", help="another stage name meaning won")
    importer.add_argument(
        "--lost", action="append", default=[], metavar="STAGE", help="another stage name meaning lost"
    )
    importer.add_argument("--workspace", help="workspace id or name (default: the only one, or a new local one)")
    importer.add_argument("--date-format", help="strptime format of the file's dates, e.g. %%d/%%m/%%Y")
    importer.add_argument("--delimiter", default=",", help="column separator (default ,)")
    report = commands.add_parser("report", help="print KPI reports")
    report.add_argument("what", choices=["kpis"])
    report.add_argument("--period", default="all", help="2017-Q2, 2017-05, 2017, 2017-04-01..2017-06-30, all, …")
    report.add_argument("--by", choices=[group.value for group in GroupBy], default=GroupBy.REP.value)
    report.add_argument("--format", choices=["table", "json", "csv"], default="table")
    report.add_argument("--workspace", help="workspace id or name (default: the only one)")


def run_import(
    args: argparse.Namespace,
    sessions: sessionmaker[Session],
    defaults: WorkspaceDefaults,
    *,
    now: datetime,
    out: TextIO,
    err: TextIO,
) -> int:
    """Import one file in one transaction; print the summary and every skipped line. Exit 1 if refused."""
    fields, parser, store = KINDS[args.kind]
    try:
        table = columns.open_table(args.file, fields, _maps(args.map), args.delimiter)
        options = ReadOptions(_date_format(args.date_format), tuple(args.won), tuple(args.lost))
        if options.date_format is None and (day_first := table.day_first_dates(DATE_FIELDS.get(args.kind, ()))):
            raise columns.ImportRefused(
                f"{args.file.name} has day-first dates such as {day_first}, so 03/04 would be read wrongly as "
                "3 April. Say the format: --date-format %d/%m/%Y."
            )
        parsed, problems = rows.read_rows(table, parser(options))
        with sessions.begin() as session, _progress(len(parsed), err) as bar:
            workspace = choose_workspace(session, args.workspace, create=True, defaults=defaults, now=now)
            summary = store(
                session, workspace_id=workspace.id, rows=parsed, problems=problems, now=now, progress=bar.update
            )
    except (columns.ImportRefused, DomainError) as error:
        print(f"tally import: {getattr(error, 'user_message', error)} Nothing was imported.", file=err)
        return 1
    _print_summary(summary, args.file, out)
    return 0 if summary.imported + summary.updated + summary.unchanged or not summary.rows else 1


def run_report(
    args: argparse.Namespace, sessions: sessionmaker[Session], *, now: datetime, out: TextIO, err: TextIO
) -> int:
    """Print the KPI report for one period."""
    try:
        with sessions.begin() as session:
            workspace = choose_workspace(session, args.workspace, create=False, defaults=WorkspaceDefaults(), now=now)
            today = local_date(now, zone(workspace.timezone))
            period = parse_period(args.period, today=today, week_start=workspace.week_start)
            report = reports.kpi_report(
                session, workspace_id=workspace.id, period=period, group_by=GroupBy(args.by), as_of=today
            )
    except DomainError as error:
        print(f"tally report: {error.user_message} {error.usage or ''}".rstrip(), file=err)
        return 2
    render = {"json": report_json, "csv": report_csv, "table": report_table}[args.format]
    print(render(report), file=out, end="" if args.format == "csv" else "\n")
    return 0


def _maps(pairs: Sequence[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, separator, column = pair.partition("=")
        if not separator or not field.strip() or not column.strip():
            raise columns.ImportRefused(f"--map takes FIELD=COLUMN, e.g. --map owner=sales_agent (got {pair!r}).")
        mapping[field.strip()] = column.strip()
    return mapping


def _date_format(pattern: str | None) -> str | None:
    if pattern is not None and "%" not in pattern:
        raise columns.ImportRefused(f"--date-format takes a strptime pattern such as %d/%m/%Y (got {pattern!r}).")
    return pattern


def _progress(total: int, err: TextIO) -> tqdm[Any]:
    # Only on a terminal, and only when there is enough to wait for.
    return tqdm(total=total, file=err, unit=" rows", disable=not err.isatty() or total < 2000, leave=False)


def _print_summary(summary: ImportSummary, path: Path, out: TextIO) -> None:
    print(
        f"{path.name}: {summary.rows:,} lines of {summary.kind}: {summary.imported:,} imported, "
        f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, {summary.skipped:,} skipped.",
        file=out,
    )
    for problem in summary.problems[:SHOWN_PROBLEMS]:
        print(f"  line {problem.line}: skipped, {problem.reason}", file=out)
    if summary.skipped > SHOWN_PROBLEMS:
        print(f"  … and {summary.skipped - SHOWN_PROBLEMS:,} more skipped lines", file=out)
