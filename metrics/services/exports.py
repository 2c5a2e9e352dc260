"""Exporting a workspace's data: entries, deals, targets or the audit log, as CSV or JSON, written as it is read.

Values are written so a spreadsheet reads them right and nothing is lost: instants in ISO 8601 UTC
("2026-11-26T15:00:00Z"), days as ISO dates, money as strings to the cent (never floats), flags as true/false.
A forgotten person appears under their anonymous label, with no user id.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TextIO

from sqlalchemy.orm import Session

from metrics.export_queries import Cell, ExportKind, ExportQuery, export_query
from metrics.records import RepContext
from metrics.services import access

__all__ = ["ExportFormat", "ExportKind", "export", "export_for_admin"]
CENT = Decimal("0.01")
# A spreadsheet runs a cell starting with one of these as a formula: a rep named "=HYPERLINK(…)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    """How an export is written."""

    CSV = "csv"
    JSON = "json"


def export(session: Session, *, workspace_id: int, kind: ExportKind, fmt: ExportFormat, out: TextIO) -> int:
    """Write one export of one workspace to `out` (opened with newline="" for CSV). Returns the number of rows.

    The rows come from one query, read a chunk at a time, so memory stays flat however many there are.
    """
    query = export_query(session, workspace_id, kind)
    writer = _write_csv if fmt is ExportFormat.CSV else _write_json
    return writer(query, query.rows(session), out)


def export_for_admin(session: Session, *, asker: RepContext, kind: ExportKind, fmt: ExportFormat, out: TextIO) -> int:
    """`export` of the asker's workspace, for an admin only.

    Raises:
        NotAllowed: the asker is not an admin.
    """
    access.require_admin(asker, "export Tally's data")
    return export(session, workspace_id=asker.workspace_id, kind=kind, fmt=fmt, out=out)


Format = Callable[[Any], Any]


def _write_csv(query: ExportQuery, rows: Iterator[tuple[Any, ...]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(column.name for column in query.columns)
    formats = [_csv_format(column.cell) for column in query.columns]
    count = 0
    for row in rows:
        writer.writerow([write(value) for write, value in zip(formats, row, strict=True)])
        count += 1
    return count


def _write_json(query: ExportQuery, rows: Iterator[tuple[Any, ...]], out: TextIO) -> int:
    """A JSON array of objects, one line per row, written as the rows arrive."""
    names = [column.name for column in query.columns]
    formats = [_json_format(column.cell) for column in query.columns]
    out.write("[")
    count = 0
    for row in rows:
        record = {name: write(value) for name, write, value in zip(names, formats, row, strict=True)}
        out.write(("\n" if not count else ",\n") + json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _json_format(cell: Cell) -> Format:
    """How a column's values are written in JSON (chosen once per column: an export may have millions of rows)."""
    if cell is Cell.FLAG:
        return bool
    convert = FORMATS.get(cell, _same)
    return lambda value: None if value is None else convert(value)


def _csv_format(cell: Cell) -> Format:
    """How a column's values are written in CSV: as in JSON, then flags as true/false, data as JSON text, and
    text that a spreadsheet would run as a formula quoted."""
    if cell is Cell.FLAG:
        return lambda value: "true" if value else "false"
    if cell is Cell.DATA:
        return lambda value: "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if cell is Cell.TEXT:
        return _csv_text
    convert = FORMATS.get(cell, _same)
    return lambda value: "" if value is None else convert(value)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _same(value: Any) -> Any:
    return value


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day(value: date) -> str:
    return value.isoformat()


def _money(value: Decimal | float | int) -> str:
    return f"{Decimal(str(value)).quantize(CENT):f}"


def _amount(value: Decimal | float | int) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def _number(value: Any) -> int:
    return int(value)


FORMATS: dict[Cell, Callable[[Any], Any]] = {
    Cell.TIME: _instant,
    Cell.DAY: _day,
    Cell.MONEY: _money,
    Cell.AMOUNT: _amount,
    Cell.NUMBER: _number,
    Cell.TEXT: str,
}
