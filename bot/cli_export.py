"""`tally export entries|deals|targets|audit`: a workspace's data as CSV or JSON, to stdout or a file."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session, sessionmaker

from metrics.errors import DomainError
from metrics.records import WorkspaceDefaults
from metrics.services.exports import ExportFormat, ExportKind, export
from metrics.services.workspaces import choose_workspace

SessionsFor = Callable[[str], sessionmaker[Session]]


def add_commands(commands: Any, sessions_for: SessionsFor) -> None:
    """Add `export` to the `tally` parser's subcommands; `sessions_for(DATABASE_URL)` opens the database."""
    exporter = commands.add_parser("export", help="export a workspace's entries, deals, targets or audit log")
    exporter.add_argument("kind", choices=[kind.value for kind in ExportKind])
    exporter.add_argument("--workspace", help="workspace id (e.g. T0123) or name (default: the only one)")
    exporter.add_argument("--format", choices=[fmt.value for fmt in ExportFormat], default=ExportFormat.CSV.value)
    exporter.add_argument("--out", type=Path, help="write to FILE (default: standard output)")

    def handler(args: argparse.Namespace, settings: Any) -> int:
        sessions = sessions_for(settings.database_url)
        return run_export(args, sessions, now=datetime.now(UTC), out=sys.stdout, err=sys.stderr)

    exporter.set_defaults(handler=handler)


def run_export(
    args: argparse.Namespace, sessions: sessionmaker[Session], *, now: datetime, out: TextIO, err: TextIO
) -> int:
    """Write the export (a file appears whole, or not at all). Exit 2 for an unknown workspace."""
    kind, fmt = ExportKind(args.kind), ExportFormat(args.format)
    target: Path | None = args.out
    partial = target.with_name(target.name + ".partial") if target else None
    try:
        with sessions.begin() as session:
            workspace = choose_workspace(session, args.workspace, create=False, defaults=WorkspaceDefaults(), now=now)
            if partial is None:
                rows = export(session, workspace_id=workspace.id, kind=kind, fmt=fmt, out=out)
            else:
                with partial.open("w", encoding="utf-8", newline="") as file:
                    rows = export(session, workspace_id=workspace.id, kind=kind, fmt=fmt, out=file)
    except DomainError as error:
        print(f"tally export: {error.user_message}", file=err)
        return 2
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    if target is not None and partial is not None:
        os.replace(partial, target)
        print(f"Wrote {rows:,} {kind.value} rows to {target}.", file=err)
    return 0
