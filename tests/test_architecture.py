"""The import rules of ARCHITECTURE.md §2 and the house size limits, checked on the source itself."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = {
    "metrics.kpis",
    "metrics.periods",
    "metrics.records",
    "metrics.deal_records",
    "metrics.rules",
    "metrics.catalog",
    "metrics.errors",
    "metrics.wording",
    "metrics.notify",
    "metrics.schedule",
}
TRANSPORTS = ("slack_bolt", "slack_sdk", "apscheduler", "bot", "msteams", "microsoft_agents")
# bot/compose.py is the composition root's second half (the Slack wiring), split off to keep modules small.
COMPOSITION_ROOTS = {"bot/__main__.py", "bot/compose.py", "metrics/migrations/env.py", "metrics/db.py"}


def modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "versions" not in path.parts)


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_metrics_never_imports_a_transport() -> None:
    offenders = {
        dotted(path): sorted(name for name in imported(path) if name.split(".")[0] in TRANSPORTS)
        for path in modules("metrics")
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_pure_layer_imports_only_the_standard_library_and_itself() -> None:
    for path in modules("metrics"):
        if dotted(path) not in PURE:
            continue
        foreign = {
            name
            for name in imported(path)
            if name.split(".")[0] not in sys.stdlib_module_names and name not in PURE and name != "__future__"
        }
        assert foreign == set(), dotted(path)


def test_front_ends_do_not_import_each_other() -> None:
    for path in modules("bot"):
        names = imported(path)
        if "msteams" in path.parts:
            assert not any(name.startswith("bot.slack") for name in names), dotted(path)
        if "slack" in path.parts:
            assert not any(name.startswith("bot.msteams") for name in names), dotted(path)


def test_only_composition_roots_read_the_environment_or_build_engines() -> None:
    for package in ("bot", "metrics"):
        for path in modules(package):
            relative = path.relative_to(ROOT).as_posix()
            source = path.read_text(encoding="utf-8")
            if relative in COMPOSITION_ROOTS:
                continue
            for forbidden in ("os.environ", "os.getenv", "create_engine(", "make_engine("):
                if forbidden in source and not (relative == "bot/config.py" and forbidden == "os.environ"):
                    pytest.fail(f"{relative} uses {forbidden}")


def banned_api_findings(filename: str, source: str) -> subprocess.CompletedProcess[str]:
    """Run ruff's TID251 rule on `source` as if it were the file `filename` of this project."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    command = [ruff, "check", "--select", "TID251", "--stdin-filename", filename, "-"]
    return subprocess.run(command, input=source, capture_output=True, text=True, cwd=ROOT, check=False)


def test_the_linter_enforces_the_import_rule() -> None:
    probe = "import slack_bolt\nfrom bot.slack.app import build_app\n"
    refused = banned_api_findings("metrics/probe.py", probe)
    assert refused.returncode != 0 and refused.stdout.count("TID251") == 2
    allowed = banned_api_findings("bot/probe.py", probe)
    assert allowed.returncode == 0, allowed.stdout


@pytest.mark.parametrize("package", ["bot", "metrics"])
def test_modules_stay_small(package: str) -> None:
    long = {dotted(path): n for path in modules(package) if (n := path.read_text().count("\n")) > 300}
    assert long == {}


def test_listeners_stay_within_25_lines() -> None:
    long = []
    for path in (ROOT / "bot" / "slack" / "listeners").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.end_lineno and node.end_lineno - node.lineno + 1 > 25:
                long.append(f"{dotted(path)}.{node.name}")
    assert long == []
