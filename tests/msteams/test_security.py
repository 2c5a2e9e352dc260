"""Who may talk to the Teams endpoint and where Tally's replies may go: anonymous mode stays on this machine,
a registered bot checks the token's issuer, and a stored reference naming a non-Microsoft service URL is never
sent to (it would receive Tally's Bot Connector token)."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings
from bot.msteams.auth import teams_auth
from bot.msteams.notifier import TeamsNotifier
from bot.msteams.server import listen_host
from bot.playground.fake_bot_connector import FakeBotConnector
from metrics.notify import DeliveryFailed, Message, Recipient
from tests.msteams.outbound import personal_reference

REGISTERED = Settings(
    teams_app_id="00000000-0000-0000-0000-0000000000aa",
    teams_app_password="not-a-real-secret",
    teams_tenant_id="00000000-0000-0000-0000-0000000000bb",
)


def test_anonymous_mode_listens_on_this_machine_only() -> None:
    assert listen_host(None, anonymous=True) == "127.0.0.1"
    assert listen_host("::1", anonymous=True) == "::1"
    with pytest.raises(ConfigError, match=r"127\.0\.0\.1 only"):
        listen_host("0.0.0.0", anonymous=True)
    assert listen_host(None, anonymous=False) == "0.0.0.0"
    assert listen_host("10.0.0.5", anonymous=False) == "10.0.0.5"


def test_a_registered_bot_checks_the_tokens_issuer_and_sends_only_to_microsoft_hosts() -> None:
    registered, anonymous = teams_auth(REGISTERED, anonymous=False), teams_auth(Settings(), anonymous=True)

    assert registered.configuration.VALIDATE_ISSUER  # off by default in the SDK: any issuer would pass
    assert registered.allows_service_url("https://smba.trafficmanager.net/amer/")
    assert not registered.allows_service_url("http://127.0.0.1:3979/")
    assert not registered.allows_service_url("https://attacker.example/")
    assert anonymous.allows_service_url("http://127.0.0.1:3979/")  # the fake connector, the Agents Playground


def test_the_notifier_of_a_registered_bot_never_sends_to_a_stored_non_microsoft_service_url() -> None:
    with FakeBotConnector() as connector:
        notifier = TeamsNotifier(teams_auth(REGISTERED, anonymous=False), timeout=5)
        try:
            recipient = Recipient(
                "user", "U1", "tenant-1", platform="teams", reference=personal_reference(connector, "U1")
            )
            with pytest.raises(DeliveryFailed, match="not Microsoft's") as failure:
                notifier.send(recipient, Message("nudge", "Good morning", "Good morning"), 1)
        finally:
            notifier.close()
        calls = connector.calls()

    assert failure.value.gone and calls == []  # skipped, never tried: no token went anywhere
