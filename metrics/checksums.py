"""Row counts and checksums of tables, rendered the same way on SQLite and PostgreSQL, to prove a copy lossless.

Each row is read through the models' column types (so a datetime is aware UTC and an amount a Decimal on both
backends), rendered canonically, and hashed in primary-key order. Two databases holding the same values give the
same checksum whatever their storage: SQLite keeps a timestamp as naive text and an amount as a float, PostgreSQL
as `timestamptz` and `numeric`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, func, select

from metrics.copy_scope import Scope, rows_of

BATCH = 1000


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One table's row count and checksum on each side."""

    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        """Whether both sides hold the same rows."""
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


def compare(source: Connection, target: Connection, tables: Sequence[Table], scope: Scope) -> list[TableCheck]:
    """Count and checksum the rows of `scope` in every table on both sides."""
    checks = []
    for table in tables:
        source_rows, source_checksum = digest(source, table, scope)
        target_rows, target_checksum = digest(target, table, scope)
        checks.append(TableCheck(table.name, source_rows, target_rows, source_checksum, target_checksum))
    return checks


def digest(connection: Connection, table: Table, scope: Scope) -> tuple[int, str]:
    """The number of rows of `table` in `scope`, and the SHA-256 of their canonical rendering by primary key."""
    query = select(table).order_by(*table.primary_key.columns)
    condition = rows_of(table, scope)
    if condition is not None:
        query = query.where(condition)
    hasher, count = hashlib.sha256(), 0
    for batch in connection.execution_options(yield_per=BATCH).execute(query).partitions():
        for row in batch:
            hasher.update(render_row(row).encode("utf-8") + b"\n")
            count += 1
    return count, hasher.hexdigest()


def count_rows(connection: Connection, table: Table, scope: Scope) -> int:
    """The number of rows of `table` in `scope`."""
    query = select(func.count()).select_from(table)
    condition = rows_of(table, scope)
    if condition is not None:
        query = query.where(condition)
    return int(connection.scalar(query) or 0)


def render_row(values: Sequence[Any]) -> str:
    """One row as canonical JSON: the same text on every backend for the same values."""
    return json.dumps([canonical(value) for value in values], ensure_ascii=False, separators=(",", ":"))


def canonical(value: Any) -> Any:
    """A value as plain JSON data that does not depend on how a backend stores it.

    Decimals lose trailing zeros (12000.10 and 12000.1 are one amount; SQLite returns the column's scale,
    PostgreSQL the stored one), datetimes become UTC ISO text (naive ones are rendered as they are), JSON
    documents get sorted keys, booleans stay booleans (SQLite's 0/1 is read back as False/True).
    """
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, Decimal):
        return "0" if value.is_zero() else format(value.normalize(), "f")
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"no canonical rendering for {type(value).__name__}")
