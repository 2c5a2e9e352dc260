"""`tally db copy`: move Tally's data to another database (SQLite → PostgreSQL) and print the proof."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from metrics.copy import CopyReport, check_copy, copy_database
from metrics.copy_scope import CopyRefused

SHOWN_DIGITS = 16  # of each SHA-256: plenty to tell two tables apart, short enough for a terminal


def add_copy_command(database_commands: Any) -> argparse.ArgumentParser:
    """Add `copy` to the `tally db` subcommands; the caller sets its handler."""
    copy: argparse.ArgumentParser = database_commands.add_parser(
        "copy", help="copy the data (or one workspace) to another database, then compare counts and checksums"
    )
    copy.add_argument("--to", required=True, type=database_url, metavar="URL", help="e.g. postgresql+psycopg://…")
    copy.add_argument("--workspace", help="a workspace's id or name (default: every workspace)")
    copy.add_argument("--check", action="store_true", help="only compare the two databases; copy nothing")
    return copy


def database_url(text: str) -> str:
    """An argparse type: a SQLAlchemy URL whose driver is installed."""
    try:
        make_url(text).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a database URL Tally can open (e.g. postgresql+psycopg://user:password@host/db): {error}"
        ) from error
    return text


def run_copy(args: argparse.Namespace, source: Engine, target: Engine, *, out: TextIO, err: TextIO) -> int:
    """Copy (or with --check only compare) and print the table; 0 if every table matches, 1 if not, 2 if refused."""
    try:
        if args.check:
            report = check_copy(source, target, workspace=args.workspace)
        else:
            report = copy_database(source, target, workspace=args.workspace)
    except CopyRefused as error:
        print(f"tally db copy: {error.user_message}", file=err)
        return 2
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
        print(f"tally db copy: cannot use the database: {reason}", file=err)
        return 2
    print(f"{report.scope}: {_shown(source)} → {_shown(target)}", file=out)
    print(render_checks(report), file=out)
    print(_verdict(report, checking=args.check), file=out)
    return 0 if report.ok else 1


def render_checks(report: CopyReport) -> str:
    """The comparison as a plain-text table, one line per table."""
    header = ("table", "source rows", "target rows", "source checksum", "target checksum", "")
    lines = [
        (
            check.table,
            f"{check.source_rows:,}",
            f"{check.target_rows:,}",
            check.source_checksum[:SHOWN_DIGITS],
            check.target_checksum[:SHOWN_DIGITS],
            "ok" if check.ok else "DIFFERS",
        )
        for check in report.checks
    ]
    widths = [max(len(row[i]) for row in (header, *lines)) for i in range(len(header))]
    right = {1, 2}  # counts line up on the right
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in (header, *lines)
    )


def _verdict(report: CopyReport, *, checking: bool) -> str:
    differing = [check.table for check in report.checks if not check.ok]
    if differing:
        undone = "" if checking else " The copy was rolled back: nothing was written to the target."
        return f"{len(differing)} of {len(report.checks)} tables differ: {', '.join(differing)}.{undone}"
    if checking:
        return f"Every table matches ({report.rows:,} rows)."
    return f"Copied {report.rows:,} rows; every table matches."


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
