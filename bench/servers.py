"""Serving processes for parts 1 and 4: `tally run --http` and the bare app, started as subprocesses, their
address read from what they print, their peak memory read from /proc, stopped with SIGTERM."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.backends import ROOT

LISTENING = "is listening on "


@dataclass
class Served:
    """A server process and the URL it serves Slack's requests at."""

    command: list[str]
    env: dict[str, str]
    url: str = ""
    process: subprocess.Popen[str] | None = field(default=None, repr=False)

    def __enter__(self) -> Served:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        self.url = _wait_for_url(self.process, timeout=60)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def peak_memory_mb(self) -> float:
        """Peak resident memory (VmHWM) of the server and every process under it, added up, in MB."""
        assert self.process is not None
        return sum(_peak_kb(pid) for pid in _tree(self.process.pid)) / 1024


def tally_command(workers: int, threads: int) -> list[str]:
    """`tally run --http` on a free port, without the scheduler."""
    return [sys.executable, "-m", "bot", "run", "--http", "--host", "127.0.0.1", "--port", "0", "--no-scheduler",
            "--workers", str(workers), "--threads", str(threads)]  # fmt: skip


def bare_command(workers: int, threads: int) -> list[str]:
    """The bare Bolt app under the same gunicorn setup."""
    return [sys.executable, "-m", "bench.bare_app", "--port", "0", "--workers", str(workers),
            "--threads", str(threads)]  # fmt: skip


def environment(**values: str) -> dict[str, str]:
    """This process's environment without anything Slack, Tally or database related, plus `values`."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TALLY_", "DATABASE_"))}
    return kept | {"PYTHONPATH": str(ROOT)} | values


def _wait_for_url(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(process.args)} exited with {process.returncode} before listening")  # type: ignore[arg-type]
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if LISTENING in line:
                return line.split(LISTENING, 1)[1].strip()
    process.kill()
    raise RuntimeError("the server did not say where it listens within a minute")


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            todo.extend(int(child) for child in children)
    return found


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
