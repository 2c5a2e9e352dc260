"""`python -m bench [--quick] [--large] [--only PARTS] [--postgres URL] [--out FILE]`: run the suite, print the
table, write JSON. Exits non-zero only on a crash: a missed goal is a finding, printed as such."""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.backends import Backend, backends
from bench.fanout import run_fanout
from bench.importing import run_import_bench
from bench.latency import run_latency
from bench.results import Run, print_table
from bench.scale import run_scale

PARTS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big each part runs."""

    reps: int
    ledger: tuple[int, ...]
    fanout_reps: int
    fanout_baseline: int
    import_rows: int
    repeat: int
    requests: int


FULL = Sizes(1000, (150_000, 1_500_000), 1000, 100, 8800, 5, 200)
QUICK = Sizes(60, (3_600, 36_000), 40, 10, 200, 1, 10)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks asked for; return 0 (a crash raises)."""
    args = _parser().parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.large and not args.quick:
        sizes = _large(sizes)
    logging.basicConfig(level=logging.WARNING)
    run = Run(info=_machine() | {"sizes": asdict(sizes), "quick": args.quick, "parts": args.only})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tally-bench-") as temp:
        scratch = Path(temp)
        with backends(scratch, args.postgres, run.skipped) as found:
            if args.no_postgres:
                found = found[:1]
                run.skipped["postgresql"] = "--no-postgres"
            for part in args.only:
                _part(part, run, found, scratch, sizes)
                print(f"part {part} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    run.info["seconds"] = round(time.perf_counter() - started, 1)
    run.info["load_after"] = os.getloadavg()
    print_table(run, sys.stdout)
    run.write_json(args.out)
    print(f"\nJSON written to {args.out} ({run.info['seconds']} s in all)")
    return 0


def _large(sizes: Sizes) -> Sizes:
    return replace(sizes, ledger=(*sizes.ledger, 15_000_000))


def _part(part: str, run: Run, found: list[Backend], scratch: Path, sizes: Sizes) -> None:
    if part in ("1", "4"):
        if part == "1" or "1" not in run.info["parts"]:  # one run of the servers measures both
            run_latency(run, found, reps=sizes.reps, requests_each=sizes.requests)
    elif part == "2":
        run_scale(run, found, reps=sizes.reps, sizes=list(sizes.ledger), repeat=sizes.repeat)
    elif part == "3":
        run_fanout(run, found, reps=sizes.fanout_reps, baseline_reps=sizes.fanout_baseline)
    elif part == "5":
        run_import_bench(run, found, scratch, rows=sizes.import_rows)


def _machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "load_before": os.getloadavg(),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: seconds, for CI (numbers mean little)")
    parser.add_argument("--large", action="store_true", help="add a 15M-row ledger to part 2 (many minutes)")
    parser.add_argument("--only", type=_parts, default=PARTS, help="comma-separated parts, e.g. 2,3 (default all)")
    parser.add_argument("--postgres", help="a PostgreSQL URL to use (default: TALLY_BENCH_POSTGRES_URL, or start one)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"), help="JSON results file")
    return parser


def _parts(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    if not chosen or any(part not in PARTS for part in chosen):
        raise argparse.ArgumentTypeError(f"parts are {', '.join(PARTS)}")
    return chosen


if __name__ == "__main__":
    sys.exit(main())
