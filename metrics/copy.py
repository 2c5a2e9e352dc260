"""`tally db copy`: move a database (or one workspace of it) to another backend, losslessly, and prove it.

The copy keeps every primary key, so every foreign key stays valid without rewriting. Tables go in foreign-key
order (`Base.metadata.sorted_tables`, so a table added later is copied without changes here), each read by primary
key in batches and written with executemany, all in one transaction on the target. A foreign key to a table not
yet copied (team ↔ rep) or to its own table (an undo row → the row it undoes) is written empty first and filled
in once every row is in. PostgreSQL's sequences are then moved past the copied ids, and the copy is committed only
if every table's row count and checksum match the source's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Column, Connection, Engine, Table, bindparam, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from metrics import db
from metrics.checksums import TableCheck, compare, count_rows
from metrics.copy_scope import TEAM_KEYED, CopyRefused, Scope, check_rules, choose_scope, rows_of
from metrics.models import Base, Workspace

BATCH = 1000


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What was compared, and whether the target now holds it (a failed comparison rolls the copy back)."""

    scope: str
    checks: tuple[TableCheck, ...]
    committed: bool

    @property
    def ok(self) -> bool:
        """Whether every table matches."""
        return all(check.ok for check in self.checks)

    @property
    def rows(self) -> int:
        """Rows in the source's side of the comparison."""
        return sum(check.source_rows for check in self.checks)


def copy_database(
    source: Engine,
    target: Engine,
    *,
    workspace: str | None = None,
    tables: Sequence[Table] | None = None,
    batch: int = BATCH,
) -> CopyReport:
    """Copy every row (or one workspace's rows) from `source` to `target`, then compare the two.

    The target is first migrated to the newest schema. The copy is committed only if the comparison finds
    every table equal; otherwise nothing is written and the report says where they differ.

    Args:
        source: the database copied from; it must be at the newest schema revision.
        target: the database copied to; empty, or (with `workspace`) not yet holding that workspace.
        workspace: a workspace's platform id or name; None copies everything.
        tables: the tables to copy, in foreign-key order (default: every table of the models).
        batch: rows read and written per round trip.

    Raises:
        CopyRefused: the source is at another revision, the target already holds the data, ids collide, a table
            has no workspace rule, or the workspace is unknown. Nothing is written.
    """
    tables = list(Base.metadata.sorted_tables if tables is None else tables)
    _require_head(source, "source")
    if source.url.render_as_string() == target.url.render_as_string():
        raise CopyRefused("The source and the target are the same database.")
    with _snapshot(source) as reading:
        scope = choose_scope(reading, workspace)
        if not scope.everything:
            check_rules(tables)
        _migrate(target)  # only now: a refusal above leaves the target untouched
        with target.connect() as writing, writing.begin() as transaction:
            _check_target_free(writing, tables, scope)
            _copy_tables(reading, writing, tables, scope, batch)
            reset_sequences(writing, tables)
            checks = tuple(compare(reading, writing, tables, scope))
            committed = all(check.ok for check in checks)
            if not committed:
                transaction.rollback()
    return CopyReport(scope.label, checks, committed)


def check_copy(source: Engine, target: Engine, *, workspace: str | None = None) -> CopyReport:
    """Compare `source` and `target` (everything, or one workspace) without copying anything.

    Raises:
        CopyRefused: either database is not at the newest schema revision, or the workspace is unknown.
    """
    tables = list(Base.metadata.sorted_tables)
    _require_head(source, "source")
    _require_head(target, "target")
    with _snapshot(source) as reading, _snapshot(target) as writing:
        scope = choose_scope(reading, workspace)
        if not scope.everything:
            check_rules(tables)
        checks = tuple(compare(reading, writing, tables, scope))
    return CopyReport(scope.label, checks, committed=False)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection reading one consistent state of the database.

    SQLite's transactions are serializable already (and Tally's begin IMMEDIATE, which also holds writers off
    until the copy is done); PostgreSQL's default sees each statement's own snapshot, so it is asked for one.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def reset_sequences(connection: Connection, tables: Sequence[Table]) -> None:
    """Move each PostgreSQL sequence behind an integer primary key to the largest id, so new rows get new ids.

    SQLite needs nothing: it numbers a new row after the largest id in the table.
    """
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            )
            if sequence is None:
                continue
            largest = connection.scalar(select(func.max(column)))
            # setval(…, 1, false): the next id is 1 again, for an empty table.
            connection.execute(
                text("SELECT setval(:s, :v, :called)"),
                {"s": sequence, "v": largest if largest is not None else 1, "called": largest is not None},
            )


def _migrate(target: Engine) -> None:
    try:
        db.upgrade(target)
    except CommandError as error:
        raise CopyRefused(f"The target database's schema cannot be migrated: {error}") from error


def _require_head(engine: Engine, role: str) -> None:
    head, found = db.head_revision(), db.current_revision(engine)
    if found != head:
        raise CopyRefused(
            f"The {role} database is at schema revision {found or 'base (empty)'}, and this version of Tally "
            f"copies revision {head}. Run `tally db upgrade` on it first."
        )


def _check_target_free(connection: Connection, tables: Sequence[Table], scope: Scope) -> None:
    if scope.everything:
        taken = [table.name for table in tables if count_rows(connection, table, scope)]
        if taken:
            raise CopyRefused(
                f"The target database already holds rows (in {', '.join(taken)}); a full copy goes into an empty "
                "database. Copy one workspace with --workspace, or empty the target first."
            )
        return
    workspace = Workspace.__table__
    same = select(func.count()).select_from(workspace).where(workspace.c.external_id == scope.external_id)
    if connection.scalar(same) or any(count_rows(connection, t, scope) for t in tables if t.name in TEAM_KEYED):
        raise CopyRefused(f"The target database already holds {scope.label}; nothing was copied.")


def _copy_tables(reading: Connection, writing: Connection, tables: Sequence[Table], scope: Scope, batch: int) -> None:
    copied: set[str] = set()
    later: list[tuple[Table, list[Column[Any]], list[dict[str, Any]]]] = []
    for table in tables:
        deferred = [fk.parent for fk in table.foreign_keys if fk.column.table.name not in copied]
        filled = _copy_table(reading, writing, table, scope, deferred, batch)
        copied.add(table.name)
        if filled:
            later.append((table, deferred, filled))
    for table, deferred, filled in later:
        _fill_in(writing, table, deferred, filled, batch)


def _copy_table(
    reading: Connection,
    writing: Connection,
    table: Table,
    scope: Scope,
    deferred: list[Column[Any]],
    batch: int,
) -> list[dict[str, Any]]:
    """Insert `table`'s rows in batches; return the deferred foreign keys to fill in afterwards."""
    query = select(table).order_by(*table.primary_key.columns)
    condition = rows_of(table, scope)
    if condition is not None:
        query = query.where(condition)
    names = [column.name for column in deferred]
    keys = [column.name for column in table.primary_key.columns]
    filled: list[dict[str, Any]] = []
    for rows in reading.execution_options(yield_per=batch).execute(query).mappings().partitions():
        values = [dict(row) for row in rows]
        for row in values:
            if any(row[name] is not None for name in names):
                filled.append({f"pk_{key}": row[key] for key in keys} | {f"fk_{name}": row[name] for name in names})
                row.update(dict.fromkeys(names))
        _insert(writing, table, values)
    return filled


def _insert(writing: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    try:
        writing.execute(table.insert(), values)
    except DBAPIError as error:
        # The whole transaction rolls back as this propagates: the target is left as it was.
        reason = str(error.orig).splitlines()[0] if error.orig is not None else str(error)
        if isinstance(error, IntegrityError) and ("unique" in reason.lower() or "duplicate" in reason.lower()):
            raise CopyRefused(
                f"Rows of {table.name} collide with rows already in the target ({reason}). The copy keeps every "
                "id, so it goes into a database whose ids are free. Nothing was copied."
            ) from error
        raise CopyRefused(f"The target refused a row of {table.name}: {reason}. Nothing was copied.") from error


def _fill_in(
    writing: Connection, table: Table, deferred: list[Column[Any]], filled: list[dict[str, Any]], batch: int
) -> None:
    statement = (
        update(table)
        .where(*(column == bindparam(f"pk_{column.name}") for column in table.primary_key.columns))
        .values({column.name: bindparam(f"fk_{column.name}") for column in deferred})
    )
    for start in range(0, len(filled), batch):
        writing.execute(statement, filled[start : start + batch])
