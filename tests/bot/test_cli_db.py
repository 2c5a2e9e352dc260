"""`tally db copy` from the command line: a SQLite database the real app filled (through the playground) moved to
PostgreSQL, the table it prints, and its refusals. Needs PostgreSQL (skipped with a reason without it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.__main__ import main
from metrics import db
from metrics.models import Base, Entry
from tests.conftest import scratch_postgres_database

PLAYED = """\
@alice /tally setup
@alice /tally team create Inside Sales #sales-floor
@alice /tally team add @bob @carol
@alice /tally role @dave manager of Inside Sales
@bob /log 12 dials 3 meetings #webinar
@bob click Undo
@bob /log 14 dials 2 meetings yesterday
@carol /log opp Acme $30,000.50
@carol /log won Acme cost 9k
@alice /target @bob 50 dials daily
@dave /target team 20 meetings week
@bob /tally privacy hide
run standings at 2026-11-26T17:00-05:00
"""
pytestmark = pytest.mark.postgresql
TABLE_LINE = re.compile(r"^(?P<table>\w+) +(?P<rows>[\d,]+) +(?P=rows) +(?P<sum>[0-9a-f]{16}) +(?P=sum) +ok$", re.M)


@pytest.fixture
def target_url() -> Iterator[str]:
    with scratch_postgres_database("tally_cli_copy") as url:
        yield url


@pytest.fixture
def played(tmp_path: Path, target_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite database the real Bolt app wrote, behind the fake Slack; DATABASE_URL points at it."""
    script, path = tmp_path / "played.txt", tmp_path / "tally.db"
    script.write_text(PLAYED, encoding="utf-8")
    assert main(["playground", "--script", str(script), "--db", str(path)]) == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def test_tally_db_copy_prints_every_table_matching_then_refuses_a_second_copy(
    played: Path, target_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["db", "copy", "--to", target_url]) == 0
    out = capsys.readouterr().out
    shown = {match["table"]: int(match["rows"].replace(",", "")) for match in TABLE_LINE.finditer(out)}
    assert set(shown) == {table.name for table in Base.metadata.sorted_tables}
    assert all(shown[table] > 0 for table in ("workspace", "team", "rep", "entry", "deal", "deal_change", "target"))
    assert out.startswith("every workspace: sqlite:///") and f"Copied {sum(shown.values()):,} rows" in out

    assert main(["db", "copy", "--to", target_url]) == 2
    assert "already holds rows" in capsys.readouterr().err
    assert main(["db", "copy", "--to", target_url, "--check", "--workspace", "T0PLAYGRND"]) == 0
    assert "Every table matches" in capsys.readouterr().out


def test_tally_db_copy_check_finds_a_changed_row(
    played: Path, target_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "copy", "--to", target_url]) == 0
    engine = db.make_engine(target_url)
    with engine.begin() as connection:
        connection.execute(update(Entry).where(Entry.id == 1).values(quantity=Entry.quantity + 1))
    engine.dispose()
    capsys.readouterr()
    assert main(["db", "copy", "--to", target_url, "--check"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^entry .* DIFFERS$", out, re.M)
    assert f"1 of {len(Base.metadata.sorted_tables)} tables differ: entry." in out


def test_tally_db_copy_refusals(
    played: Path, target_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["db", "copy", "--to", "postgres-at-the-office"])
    assert exited.value.code == 2 and "not a database URL Tally can open" in capsys.readouterr().err
    assert main(["db", "copy", "--to", target_url, "--workspace", "Nope"]) == 2
    assert "There is no workspace 'Nope'" in capsys.readouterr().err
    assert main(["db", "copy", "--to", target_url, "--check"]) == 2  # nothing copied yet: no schema to compare
    assert "The target database is at schema revision base (empty)" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{played.parent / 'never-upgraded.db'}")
    assert main(["db", "copy", "--to", target_url]) == 2
    assert "Run `tally db upgrade` on it first" in capsys.readouterr().err
