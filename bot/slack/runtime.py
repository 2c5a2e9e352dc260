"""What every listener needs besides the request: sessions, the clock, and workspace defaults.

Built once by the composition root and put into each request's context by a middleware, so listeners receive it
as an argument named `runtime` (Bolt injects context values by name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy.orm import Session, sessionmaker

from metrics.records import Platform, WorkspaceDefaults

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Runtime:
    """Dependencies of the Slack listeners.

    Attributes:
        sessions: opens one transaction per request.
        defaults: settings for a workspace seen for the first time.
        clock: returns the current instant; tests and the playground may pass their own.
        source: what ledger rows written through this app are marked as coming from.
        installations: the OAuth installation store (None with a single bot token); an uninstall empties it.
    """

    sessions: sessionmaker[Session]
    defaults: WorkspaceDefaults
    clock: Clock = system_clock
    source: Platform = Platform.SLACK
    installations: InstallationStore | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> Runtime:
        # Bolt deep-copies a request's context for its lazy listeners; the runtime is shared, not copied (its
        # engine and stores cannot be, and must not be: one pool per process).
        return self
