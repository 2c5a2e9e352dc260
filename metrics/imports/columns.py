"""Opening a CRM export and finding its columns: known CRM headers, or explicit `field=column` maps."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from metrics.imports.values import fold

# Each field, the header names Salesforce and HubSpot (and plain exports) give it, and whether it is required.
DEAL_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "id": (("Opportunity ID", "Record ID", "Deal ID", "ID"), True),
    "owner": (("Opportunity Owner", "Deal owner", "Owner", "Sales Rep"), True),
    "account": (("Account Name", "Associated Company", "Company", "Account"), False),
    "amount": (("Amount", "Deal Amount"), False),
    "cost": (("Cost", "Fulfilment Cost", "Fulfillment Cost"), False),
    "stage": (("Stage", "Deal Stage"), True),
    "created": (("Created Date", "Create Date"), False),
    "closed": (("Close Date",), False),
    "contract_months": (("Contract Months", "Contract Term (months)", "Term (months)"), False),
    "product": (("Product", "Product Name"), False),
    "recurring": (("Recurring",), False),
}
SUBSCRIPTION_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "id": (("Subscription ID", "ID"), False),
    "account": (("Account", "Account Name", "Account ID", "Company"), True),
    "start": (("Start Date", "Start"), True),
    "end": (("End Date", "End"), False),
    "mrr": (("MRR",), False),
    "arr": (("ARR",), False),
    "churned": (("Churned", "Churn"), False),
    "churned_on": (("Churn Date", "Churned On"), False),
}
ACTIVITY_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "id": (("Activity ID", "ID"), False),
    "rep": (("Rep", "Owner", "Assigned To", "User"), True),
    "date": (("Date", "Activity Date"), True),
    "metric": (("Metric", "Activity Type", "Type"), True),
    "quantity": (("Quantity", "Count"), True),
}
REP_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "name": (("Name", "Rep", "Sales Rep"), True),
    "team": (("Team", "Region"), True),
    "manager": (("Manager",), False),
}


_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}")


class ImportRefused(Exception):
    """The file as a whole cannot be imported (empty, not CSV, columns missing); nothing was written."""


@dataclass(frozen=True, slots=True)
class Table:
    """An export's header and its field → column-index map; `lines()` yields (line number, values)."""

    path: Path
    header: tuple[str, ...]
    columns: Mapping[str, int]
    delimiter: str

    def lines(self) -> Iterator[tuple[int, list[str]]]:
        """Each data line with its 1-based line number in the file (the header is line 1).

        Raises:
            ImportRefused: the file is not valid CSV (e.g. an unclosed quote, a field over the size limit).
        """
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            try:
                next(reader, None)
                for values in reader:
                    if any(value.strip() for value in values):
                        yield reader.line_num, values
            except csv.Error as error:
                raise ImportRefused(
                    f"{self.path.name} is not valid CSV near line {reader.line_num}: {error}."
                ) from None

    def day_first_dates(self, fields: tuple[str, ...]) -> str | None:
        """A date in `fields` that can only be read day first (25/03/2017), if there is one.

        Slash dates are read month first (Salesforce's US export); a file of day-first dates would be misread
        silently wherever the day is 12 or less, so such a file must say its format.
        """
        columns = [self.columns[field] for field in fields if field in self.columns]
        for _, values in self.lines():
            for index in columns:
                value = values[index].strip() if index < len(values) else ""
                match = _SLASH_DATE.match(value)
                if match and int(match.group(1)) > 12 and int(match.group(2)) <= 12:
                    return value
        return None


def open_table(
    path: Path,
    fields: Mapping[str, tuple[tuple[str, ...], bool]],
    mapping: Mapping[str, str] | None = None,
    delimiter: str = ",",
) -> Table:
    """Read the header of `path` and find every field's column.

    Raises:
        ImportRefused: an empty or binary file, a header that looks split by another delimiter, an unknown
            field or column in `mapping`, or required fields that no column provides.
    """
    header = _header(path, delimiter)
    columns = _columns(header, fields, mapping or {})
    missing = [field for field, (_, required) in fields.items() if required and field not in columns]
    if missing:
        raise ImportRefused(
            f"{path.name}: no column for {', '.join(missing)}. Its columns are: {', '.join(header)}. "
            f'Name them with --map, e.g. --map {missing[0]}="{header[0]}".'
        )
    return Table(path=path, header=tuple(header), columns=columns, delimiter=delimiter)


def _header(path: Path, delimiter: str) -> list[str]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    if not raw.strip():
        raise ImportRefused(f"{path.name} is empty.")
    if b"\x00" in raw:
        raise ImportRefused(f"{path.name} is not a text CSV file (it holds binary data).")
    try:
        # The whole file, so that a bad byte anywhere is found before anything is stored.
        first_line = raw.decode("utf-8-sig").splitlines()[0]
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"{path.name} is not UTF-8 text (byte {error.start:,} is not); save it as CSV (UTF-8)."
        ) from None
    header = [name.strip() for name in next(csv.reader([first_line], delimiter=delimiter))]
    if len(header) == 1:
        for other in (";", "\t", "|"):
            if other != delimiter and other in first_line:
                shown = "a tab" if other == "\t" else f"'{other}'"
                raise ImportRefused(
                    f"{path.name} seems to use {shown} between columns, not '{delimiter}'. Pass --delimiter "
                    f'"{other}" or save it with commas.'
                )
    if not any(header):
        raise ImportRefused(f"{path.name} has no header line.")
    return header


def _columns(
    header: Sequence[str], fields: Mapping[str, tuple[tuple[str, ...], bool]], mapping: Mapping[str, str]
) -> dict[str, int]:
    by_name = {fold(name): index for index, name in enumerate(header)}
    columns: dict[str, int] = {}
    for field, (known, _) in fields.items():
        for name in (field, *known):
            if fold(name) in by_name:
                columns[field] = by_name[fold(name)]
                break
    for field, column in mapping.items():
        if field not in fields:
            raise ImportRefused(f"--map {field}=…: there is no field {field!r}; fields are {', '.join(fields)}.")
        if fold(column) not in by_name:
            raise ImportRefused(f"--map {field}={column}: no column {column!r}. Columns: {', '.join(header)}.")
        columns[field] = by_name[fold(column)]
    return columns
