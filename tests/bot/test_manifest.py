"""manifest.yml: valid against Slack's official schema, and in step with the commands the app registers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.slack.listeners.commands import COMMANDS
from bot.slack.oauth import BOT_SCOPES
from tests.conftest import SHARED
from tests.harness import SlackHarness

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
SCHEMAS = SHARED / "schemas" / "slack-manifest"


def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def official_validator() -> Any:
    if not SCHEMAS.exists():
        pytest.skip(f"Slack's manifest schema is in ../shared, which is not beside this checkout ({SCHEMAS})")
    import jsonschema

    return jsonschema.Draft7Validator(json.loads((SCHEMAS / "manifest.schema.1.0.0.json").read_text()))


def test_manifest_passes_slacks_schema() -> None:
    assert [error.message for error in official_validator().iter_errors(manifest())] == []


def test_the_schema_refuses_slacks_own_invalid_example() -> None:
    validator = official_validator()
    invalid = json.loads((SCHEMAS / "tests" / "v1.manifest.invalid.json").read_text())
    assert list(validator.iter_errors(invalid))


def test_manifest_names_exactly_the_registered_commands() -> None:
    declared = [command["command"] for command in manifest()["features"]["slash_commands"]]
    assert sorted(declared) == sorted(COMMANDS)


def test_every_declared_command_reaches_a_listener(slack: SlackHarness) -> None:
    slack.add_user("UALICE", "Alice", "UTC")
    for command in manifest()["features"]["slash_commands"]:
        reply = slack.command(command["command"], "help" if command["command"] in ("/log", "/tally") else "")
        assert reply.http.status == 200, command["command"]


def test_manifest_runs_in_socket_mode_with_what_the_app_uses() -> None:
    settings = manifest()["settings"]
    assert settings["socket_mode_enabled"] is True and settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "user_change",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert manifest()["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)  # what the OAuth flow asks for


HTTP_MANIFEST = MANIFEST.with_name("manifest-http.yml")


def http_manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(HTTP_MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_http_manifest_passes_slacks_schema() -> None:
    assert [error.message for error in official_validator().iter_errors(http_manifest())] == []


def test_the_http_manifest_is_the_socket_mode_one_plus_urls() -> None:
    """Every command, scope and event the same; only the request URLs, redirect URL and three settings differ."""
    http = http_manifest()
    events = "https://tally.example.com/slack/events"
    assert {command.pop("url") for command in http["features"]["slash_commands"]} == {events}
    assert http["oauth_config"].pop("redirect_urls") == ["https://tally.example.com/slack/oauth_redirect"]
    assert http["settings"]["event_subscriptions"].pop("request_url") == events
    assert http["settings"]["interactivity"].pop("request_url") == events
    assert (http["settings"].pop("socket_mode_enabled"), http["settings"].pop("token_rotation_enabled")) == (
        False,
        True,
    )
    socket = manifest()
    del socket["settings"]["socket_mode_enabled"], socket["settings"]["token_rotation_enabled"]
    assert http == socket
