"""OAuth installs: slack_sdk's SQLAlchemy stores on Tally's tables, with every token encrypted at rest.

The stores write through private copies of the tables in metrics/models/installations.py whose token columns
encrypt on the way in and decrypt on the way out (Fernet, keys from TALLY_SECRET_KEY), so slack_sdk's code runs
unchanged and a database dump holds no usable token. Several comma-separated keys allow rotating the key: the
first encrypts, any of them decrypts.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Dialect, Engine, MetaData, Table, Text
from sqlalchemy.types import TypeDecorator

from bot.config import ConfigError
from metrics.models.installations import TOKEN_COLUMNS, slack_bots, slack_installations, slack_oauth_states

STATE_EXPIRY_S = 600  # the install link a person clicked stays valid this long


class TokenCipher:
    """Encrypts and decrypts tokens with the Fernet keys from TALLY_SECRET_KEY."""

    def __init__(self, keys: str) -> None:
        """Raise ConfigError unless `keys` is one or more comma-separated Fernet keys."""
        try:
            self._fernet = MultiFernet([Fernet(key.strip()) for key in keys.split(",") if key.strip()])
        except (ValueError, TypeError) as error:
            raise ConfigError(
                "TALLY_SECRET_KEY must be a Fernet key (make one with `tally secret-key`), or several, comma-separated"
            ) from error

    def encrypt(self, plain: str) -> str:
        """The token, encrypted and base64-encoded."""
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, stored: str) -> str:
        """The plain token; raises ValueError if no key opens it."""
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken as error:
            raise ValueError("a stored token does not open with TALLY_SECRET_KEY (was the key changed?)") from error


class EncryptedText(TypeDecorator[str]):
    """Text that is encrypted in the database and plain in Python."""

    impl = Text
    cache_ok = True

    def __init__(self, cipher: TokenCipher) -> None:
        super().__init__()
        self.cipher = cipher

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.decrypt(value)


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store, on Tally's tables, with encrypted token columns."""

    def __init__(self, *, client_id: str, engine: Engine, cipher: TokenCipher) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.metadata = MetaData()
        self.installations = _encrypted_copy(slack_installations, self.metadata, cipher)
        self.bots = _encrypted_copy(slack_bots, self.metadata, cipher)


def state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    """slack_sdk's SQLAlchemy state store (the install link's one-time `state`), on Tally's table."""
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRY_S, engine=engine, table_name=str(slack_oauth_states.name)
    )


def _encrypted_copy(table: Table, metadata: MetaData, cipher: TokenCipher) -> Table:
    copy = table.to_metadata(metadata)
    for name in TOKEN_COLUMNS:
        if name in copy.c:
            column: Any = copy.c[name]
            column.type = EncryptedText(cipher)
    return copy
