"""The OAuth set-up around the flow: our tables match slack_sdk's stores, tokens need a key, scopes match the
manifest, and start-up names what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table

from bot.__main__ import main
from bot.config import ConfigError
from bot.slack.installations import TokenCipher
from bot.slack.oauth import BOT_SCOPES
from metrics.models import slack_bots, slack_installations, slack_oauth_states
from tests.bot.test_manifest import manifest


def shape(table: Table) -> list[tuple[str, bool, bool]]:
    return [(column.name, column.nullable is True, column.primary_key) for column in table.columns]


def test_our_tables_have_exactly_slack_sdks_columns() -> None:
    theirs = MetaData()
    pairs = [
        (slack_installations, SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations")),
        (slack_bots, SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots")),
        (slack_oauth_states, SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states")),
    ]
    for ours, sdk in pairs:
        assert shape(ours) == shape(sdk), ours.name
        assert {index.name for index in ours.indexes} == {index.name for index in sdk.indexes}


def test_a_token_is_encrypted_differently_each_time_and_only_our_keys_open_it() -> None:
    key, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    cipher = TokenCipher(f"{key},{old}")
    first, second = cipher.encrypt("xoxb-1-secret"), cipher.encrypt("xoxb-1-secret")
    assert first != second and "secret" not in first
    assert cipher.decrypt(first) == "xoxb-1-secret"
    assert TokenCipher(key).decrypt(first) == "xoxb-1-secret"
    assert cipher.decrypt(TokenCipher(old).encrypt("rotated")) == "rotated"  # the old key still opens old tokens
    with pytest.raises(ValueError, match="TALLY_SECRET_KEY"):
        TokenCipher(Fernet.generate_key().decode()).decrypt(first)
    with pytest.raises(ConfigError, match="Fernet key"):
        TokenCipher("not-a-key")


def test_the_oauth_scopes_are_the_manifests() -> None:
    scopes = [scope.split("#")[0].strip() for scope in manifest()["oauth_config"]["scopes"]["bot"]]
    assert sorted(scopes) == sorted(BOT_SCOPES)


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET and TALLY_SECRET_KEY"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "TALLY_SECRET_KEY"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "TALLY_SECRET_KEY": "nope"}, "Fernet key"),
    ],
)
def test_oauth_mode_refuses_to_start_without_a_usable_key(
    env: dict[str, str],
    problem: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'oauth.db'}")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "x")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["jobs", "list"] if problem == "Fernet key" else ["run", "--http"]) == 2
    assert problem in capsys.readouterr().err


def test_oauth_needs_the_http_endpoints(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in {"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "s", "TALLY_SECRET_KEY": "k"}.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    assert "tally run --http" in capsys.readouterr().err


def test_secret_key_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secret-key"]) == 0
    key = capsys.readouterr().out.strip()
    assert TokenCipher(key).decrypt(TokenCipher(key).encrypt("t")) == "t"
