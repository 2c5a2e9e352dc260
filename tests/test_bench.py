"""The benchmark suite does not rot: `python -m bench --quick` runs every part and writes every result.

A smoke test only: nothing here looks at a time (quick sizes measure nothing worth reading).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL_ENV

ROOT = Path(__file__).resolve().parents[1]
PARTS = {"1 latency", "2 scale", "3 fan-out", "4 memory", "5 import"}


def bench_database(url: str) -> str:
    """A database of its own on the test server: the bench empties the schema of whatever it is given."""
    server = make_url(url)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = 'tally_bench_smoke'")):
            connection.execute(text("CREATE DATABASE tally_bench_smoke"))
    engine.dispose()
    return server.set(database="tally_bench_smoke").render_as_string(hide_password=False)


@pytest.mark.slow
def test_python_m_bench_quick_writes_every_benchmark(tmp_path: Path) -> None:
    postgres = os.environ.get(POSTGRES_URL_ENV)
    database = ["--postgres", bench_database(postgres)] if postgres else ["--no-postgres"]
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TALLY_", "DATABASE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out), *database],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())["results"]
    assert {result["part"] for result in results} == PARTS
    backends = {"sqlite", "postgresql"} if postgres else {"sqlite"}
    for backend in backends:
        assert any(backend in r["name"] and r["part"] == "2 scale" for r in results), backend
    for result in results:
        assert {"floor", "measured", "ratio", "goal", "met", "unit"} <= result.keys()
        assert result["measured"] is not None, result
    assert "ratio" in done.stdout and "goal" in done.stdout  # the table was printed
