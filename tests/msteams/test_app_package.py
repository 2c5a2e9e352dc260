"""The Teams app package: `tally teams package` writes a zip whose manifest passes Microsoft's own schema, with
the icons Teams asks for, and refuses (exit 2, no file) when the app id is missing or not a GUID."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from PIL import Image

from bot import cli_teams
from bot.__main__ import main
from bot.msteams import icons
from bot.slack.listeners.commands import COMMANDS

SCHEMAS = Path(__file__).resolve().parent / "schemas"
APP_ID = "0a1b2c3d-0000-4000-8000-00000000abcd"
# Teams' documented limits that its upload check enforces but the JSON schema leaves looser.
MAX_COMMANDS, MAX_TITLE, MAX_DESCRIPTION = 10, 32, 128
ISSUE_COMMANDS = ["log", "scorecard", "standings", "target", "plan", "kpis", "help"]


@pytest.fixture(autouse=True)
def _no_app_id_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)


def build(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "tally.zip"
    return main(["teams", "package", "--out", str(out), *extra]), out


def unpacked(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def packaged_manifest(tmp_path: Path, *extra: str) -> dict[str, Any]:
    status, out = build(tmp_path, "--app-id", APP_ID, *extra)
    assert status == 0
    loaded = json.loads(unpacked(out)["manifest.json"])
    assert isinstance(loaded, dict)
    return loaded


def microsoft_validator(manifest: dict[str, Any]) -> jsonschema.Draft4Validator:
    """Microsoft's schema for the manifest's own version, with format checks on (uri checked here: jsonschema
    needs an extra package for it)."""
    schema = json.loads((SCHEMAS / f"MicrosoftTeams.v{manifest['manifestVersion']}.schema.json").read_text())
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(lambda value: not isinstance(value, str) or bool(urlsplit(value).scheme))
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def errors(manifest: dict[str, Any]) -> list[str]:
    return [f"{list(error.path)}: {error.message}" for error in microsoft_validator(manifest).iter_errors(manifest)]


def test_the_packaged_manifest_passes_microsofts_schema(tmp_path: Path) -> None:
    manifest = packaged_manifest(tmp_path, "--endpoint-domain", "tally.example.com")
    assert errors(manifest) == []
    assert manifest["$schema"].endswith(f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json")
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["tally.example.com"]


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("name", "short"), "Tally, the sales accountability bot"),  # over 30 characters
        (("id",), "not-a-guid"),
        (("accentColor",), "navy"),
        (("bots", 0, "scopes"), ["personal", "everywhere"]),
        (("$schema",), "no scheme here"),
    ],
)
def test_the_schema_refuses_what_teams_would(tmp_path: Path, path: tuple[Any, ...], bad: Any) -> None:
    manifest = packaged_manifest(tmp_path)
    target = manifest
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = bad
    assert errors(manifest)


def test_commands_are_the_issues_list_within_teams_limits(tmp_path: Path) -> None:
    bot = packaged_manifest(tmp_path)["bots"][0]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    (commands,) = bot["commandLists"]
    assert sorted(commands["scopes"]) == ["groupChat", "personal", "team"]
    titles = [command["title"] for command in commands["commands"]]
    assert titles == ISSUE_COMMANDS and len(titles) <= MAX_COMMANDS
    assert all(len(command["title"]) <= MAX_TITLE for command in commands["commands"])
    assert all(0 < len(command["description"]) <= MAX_DESCRIPTION for command in commands["commands"])
    assert {f"/{title}" for title in titles if title != "help"} <= set(COMMANDS)  # the same core commands


def test_the_zip_holds_the_manifest_and_icons_at_its_root_and_is_reproducible(tmp_path: Path) -> None:
    _, first = build(tmp_path, "--app-id", APP_ID)
    again = cli_teams.package(cli_teams.build_manifest(app_id=APP_ID, version=cli_teams.tally_version()))
    assert sorted(unpacked(first)) == ["color.png", "manifest.json", "outline.png"]
    assert first.read_bytes() == again


def test_the_icons_have_the_sizes_and_colours_teams_asks_for(tmp_path: Path) -> None:
    files = unpacked(build(tmp_path, "--app-id", APP_ID)[1])
    color = Image.open(io.BytesIO(files["color.png"])).convert("RGBA")
    outline = Image.open(io.BytesIO(files["outline.png"])).convert("RGBA")
    assert color.size == (192, 192) and outline.size == (32, 32)
    assert set(color.tobytes()[3::4]) == {255}  # full colour, no transparency
    pixels = outline.tobytes()
    visible = [tuple(pixels[at : at + 4]) for at in range(0, len(pixels), 4) if pixels[at + 3] > 0]
    assert visible and all(pixel[:3] == (255, 255, 255) for pixel in visible)  # white only
    assert len(visible) < 32 * 32 / 2  # mostly transparent


def test_the_committed_icons_are_what_the_icon_script_draws() -> None:
    assert {name: (cli_teams.APP_PACKAGE / name).read_bytes() for name in cli_teams.ICONS} == icons.icons()


def test_the_template_commits_no_app_id() -> None:
    template = cli_teams.manifest_template()
    assert re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", template, re.I) == []
    assert template.count(cli_teams.APP_ID_PLACEHOLDER) == 2


def test_the_app_id_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID.upper())
    status, out = build(tmp_path)
    assert status == 0
    assert json.loads(unpacked(out)["manifest.json"])["id"] == APP_ID


@pytest.mark.parametrize(
    ("env", "argv", "reason"),
    [
        ({}, [], "no app id: set MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": "tally-bot"}, [], "a GUID"),
        ({}, ["--app-id", APP_ID + "0"], "a GUID"),
        ({}, ["--app-id", APP_ID, "--app-version", "1.0"], "three numbers"),
        ({}, ["--app-id", APP_ID, "--endpoint-domain", "https://tally.example.com/api"], "host name"),
    ],
)
def test_bad_input_is_refused_with_exit_2_and_no_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    argv: list[str],
    reason: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status, out = build(tmp_path, *argv)
    assert status == 2
    assert reason in capsys.readouterr().err
    assert not out.exists()


def test_an_unwritable_destination_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["teams", "package", "--app-id", APP_ID, "--out", str(tmp_path / "missing" / "tally.zip")])
    assert status == 1
    assert "can't write" in capsys.readouterr().err
