"""The databases a run measures: a SQLite file under the run's temp dir, and PostgreSQL when one is at hand.

PostgreSQL comes from `--postgres URL`, else TALLY_BENCH_POSTGRES_URL, else a throwaway server started with
`.ci/start-postgres` in the temp dir (and stopped at the end); failing all three, its column is skipped with
the reason.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from metrics import db

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ENV = "TALLY_BENCH_POSTGRES_URL"


@dataclass(frozen=True, slots=True)
class Backend:
    """A database server (or SQLite) that fresh databases are made on."""

    name: str  # "sqlite" or "postgresql"
    scratch: Path
    postgres_url: str | None = None

    def fresh(self, label: str) -> str:
        """The URL of an empty database migrated to the newest schema."""
        if self.postgres_url is None:
            url = f"sqlite:///{self.scratch / f'{label}.db'}"
        else:
            url = self.postgres_url
            engine = db.make_engine(url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        return url


@contextmanager
def backends(scratch: Path, postgres: str | None, notes: dict[str, str]) -> Iterator[list[Backend]]:
    """SQLite, and PostgreSQL if one can be had (the reason it cannot goes into `notes`)."""
    found = [Backend("sqlite", scratch)]
    started: Path | None = None
    url = postgres or os.environ.get(POSTGRES_ENV)
    if url is None:
        url, started, reason = _start(scratch / "postgres")
        if url is None:
            notes["postgresql"] = reason
    if url is not None:
        found.append(Backend("postgresql", scratch, url))
    try:
        yield found
    finally:
        if started is not None:
            subprocess.run([str(ROOT / ".ci" / "stop-postgres"), str(started)], check=False, capture_output=True)


def _start(directory: Path) -> tuple[str | None, Path | None, str]:
    script = ROOT / ".ci" / "start-postgres"
    if not script.exists():
        return None, None, f"no --postgres URL, no {POSTGRES_ENV}, and no {script} to start a server"
    done = subprocess.run([str(script), str(directory)], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, None, f"could not start a PostgreSQL server with .ci/start-postgres: {last}"
    return done.stdout.strip().splitlines()[-1], directory, ""
