"""Part 5: the Maven Analytics CRM file (8,800 deals) through `tally import deals`, against a plain bulk insert of
the same rows. Without the team's ../shared folder (a fresh clone) an equivalent synthetic file is generated."""

from __future__ import annotations

import argparse
import csv
import io
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.backends import ROOT, Backend
from bench.results import Result, Run
from bot.cli_data import run_import
from metrics import db
from metrics.models import Account, Deal, Rep, Workspace
from metrics.records import WorkspaceDefaults

PART = "5 import"
MAVEN = ROOT.parent / "shared" / "data" / "crm-maven" / "sales_pipeline.csv"
HEADER = ("opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
          "close_value")  # fmt: skip
MAP = {"id": "opportunity_id", "owner": "sales_agent", "account": "account", "amount": "close_value",
       "created": "engage_date", "closed": "close_date", "stage": "deal_stage", "product": "product"}  # fmt: skip
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
STAGES = {"won": "won", "lost": "lost"}


def run_import_bench(run: Run, backends: list[Backend], scratch: Path, *, rows: int) -> None:
    """Import the file into a fresh database on each backend; bulk-insert the same rows into another."""
    path, note = (MAVEN, "Maven CRM file") if MAVEN.exists() and rows >= 8800 else (None, "")
    if path is None:
        path = scratch / "synthetic_pipeline.csv"
        synthetic(path, rows)
        note = f"synthetic file like Maven's ({rows:,} deals): ../shared is absent" if rows >= 8800 else "quick"
    count = sum(1 for _ in path.open(encoding="utf-8")) - 1
    for backend in backends:
        imported = _time(lambda url: _tally_import(url, path), backend.fresh("import"))
        floor = _time(lambda url: bulk_insert(url, path), backend.fresh("bulk"))
        rates = f"{count / imported:,.0f} vs {count / floor:,.0f} rows/s"
        run.add(Result(PART, f"import {count:,} deals · {backend.name}", floor, imported, None,
                       note=f"{note}; {rates}"))  # fmt: skip


def _time(action: Any, url: str) -> float:
    start = time.perf_counter()
    action(url)
    return time.perf_counter() - start


def _tally_import(url: str, path: Path) -> None:
    """Exactly `tally import deals FILE --map …` (the schema is already migrated, as `tally` would leave it)."""
    engine = db.make_engine(url)
    args = argparse.Namespace(
        kind="deals", file=path, map=[f"{k}={v}" for k, v in MAP.items()], won=[], lost=[], workspace=None,
        date_format=None, delimiter=",",
    )  # fmt: skip
    try:
        out, err = io.StringIO(), io.StringIO()
        if run_import(args, db.make_sessionmaker(engine), WorkspaceDefaults(), now=NOW, out=out, err=err):
            raise RuntimeError(f"tally import failed: {err.getvalue()}")
    finally:
        engine.dispose()


def bulk_insert(url: str, path: Path) -> None:
    """The floor: the same deals, reps and accounts with the csv module and three executemany inserts."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    engine = db.make_engine(url)
    try:
        with engine.begin() as connection:
            workspace = connection.execute(
                insert(Workspace)
                .values(platform="local", external_id="bulk", settings={}, created_at=NOW)
                .returning(Workspace.id)
            ).scalar_one()
            common = {"workspace_id": workspace, "created_at": NOW}
            names = sorted({line["sales_agent"] for line in lines})
            connection.execute(insert(Rep), [{**common, "display_name": name, "role": "rep"} for name in names])
            reps = dict(connection.execute(select(Rep.display_name, Rep.id)).tuples().all())
            titles = sorted({line["account"] for line in lines if line["account"]})
            connection.execute(insert(Account), [{**common, "name": t, "name_key": t.lower()} for t in titles])
            accounts = dict(connection.execute(select(Account.name, Account.id)).tuples().all())
            connection.execute(insert(Deal), [_deal(line, workspace, reps, accounts) for line in lines])
    finally:
        engine.dispose()


def _deal(line: dict[str, str], workspace: int, reps: dict[str, int], accounts: dict[str, int]) -> dict[str, Any]:
    stage = STAGES.get(line["deal_stage"].lower(), "open")
    return {
        "workspace_id": workspace,
        "owner_rep_id": reps[line["sales_agent"]],
        "account_id": accounts.get(line["account"]),
        "product": line["product"] or None,
        "amount": Decimal(line["close_value"]) if line["close_value"] else None,
        "stage": stage,
        "created_on": date.fromisoformat(line["engage_date"]) if line["engage_date"] else None,
        "closed_on": date.fromisoformat(line["close_date"]) if line["close_date"] else None,
        "recurring": False,
        "external_id": line["opportunity_id"],
        "source": "import",
        "active": True,
        "created_at": NOW,
        "updated_at": NOW,
    }


def synthetic(path: Path, rows: int, seed: int = 3) -> None:
    """A file shaped like Maven's sales_pipeline.csv: 35 agents, 85 accounts, 7 products, its stage mix."""
    rng = random.Random(seed)
    agents = [f"Agent {n:02d}" for n in range(35)]
    accounts = [f"Account {n:02d}" for n in range(85)]
    products = ["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic", "GTK 500"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            stage = rng.choices(["Won", "Lost", "Engaging", "Prospecting"], [48, 28, 18, 6])[0]
            engaged = date(2016, 10, 20) + timedelta(days=rng.randrange(430))
            closed = engaged + timedelta(days=rng.randrange(1, 140)) if stage in ("Won", "Lost") else None
            value = rng.randrange(40, 30000) if stage == "Won" else (0 if stage == "Lost" else None)
            writer.writerow([f"OPP{n:06d}", rng.choice(agents), rng.choice(products),
                             rng.choice(accounts) if stage != "Prospecting" else "",
                             stage, engaged.isoformat() if stage != "Prospecting" else "",
                             closed.isoformat() if closed else "", "" if value is None else value])  # fmt: skip
