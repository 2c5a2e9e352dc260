"""A PostgreSQL server a test owns: started in a directory of its own with .ci/start-postgres, and stopped and
started again on the same port, data and options while the test runs (a database restart)."""

from __future__ import annotations

import glob
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import REQUIRE_POSTGRES_ENV

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class PostgresServer:
    """The server in `directory` (data/, its socket and server.log), listening at `url`."""

    directory: Path
    url: str

    @classmethod
    def start_new(cls, directory: Path) -> PostgresServer:
        """initdb and start a server (skipped, or failed under TALLY_REQUIRE_POSTGRES=1, without the binaries)."""
        if not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"):
            reason = "a database restart needs PostgreSQL's server binaries (pg_ctl); .ci/run installs them"
            if os.environ.get(REQUIRE_POSTGRES_ENV):
                pytest.fail(reason)
            pytest.skip(reason)
        started = subprocess.run(
            [str(ROOT / ".ci" / "start-postgres"), str(directory)], capture_output=True, text=True, check=False
        )
        assert started.returncode == 0, started.stderr
        return cls(directory, started.stdout.strip())

    def stop(self) -> None:
        """A fast shutdown, as an operator's restart does: open connections are cut, open transactions roll back."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start it again where it was."""
        port = make_url(self.url).port
        options = f"-p {port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._pg_ctl("-l", str(self.directory / "server.log"), "-w", "-t", "60", "-o", options, "start")

    def remove(self) -> None:
        """Stop it for good (the directory goes with the test's tmp_path)."""
        subprocess.run([str(ROOT / ".ci" / "stop-postgres"), str(self.directory)], check=False)

    def _pg_ctl(self, *args: str) -> None:
        bindir = (self.directory / "bindir").read_text().strip()
        owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*owner, f"{bindir}/pg_ctl", "-D", str(self.directory / "data"), *args]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{' '.join(command)}: {done.stdout}{done.stderr}"
