"""Reading /healthz and /metrics over real HTTP, and serving them in front of any database."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from bot.ops.health import HealthPolicy
from bot.ops.routes import ops_routes
from bot.playground.fake_slack import FakeSlack
from bot.slack.app import build_app
from bot.slack.runtime import Runtime
from bot.slack.server import make_http_server, serve_in_background
from metrics.records import WorkspaceDefaults
from tests.factories import FakeClock


def get(url: str) -> tuple[int, str]:
    """GET `url`: (status, body), error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def healthz(base: str, query: str = "") -> tuple[int, dict[str, Any]]:
    status, body = get(f"{base}/healthz{query}")
    return status, json.loads(body)


class Samples:
    """One scrape of /metrics, parsed with prometheus_client's own text parser."""

    def __init__(self, text: str) -> None:
        self.values: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                self.values[(sample.name, frozenset(sample.labels.items()))] = sample.value

    def get(self, metric: str, /, **labels: str) -> float | None:
        return self.values.get((metric, frozenset(labels.items())))

    def value(self, metric: str, /, **labels: str) -> float:
        """The sample's value; 0 when the series does not exist (a counter never incremented)."""
        return self.get(metric, **labels) or 0.0


def scrape(base: str) -> Samples:
    status, body = get(f"{base}/metrics")
    assert status == 200, body
    return Samples(body)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds (listeners finish after their reply)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.02)


@contextmanager
def serving_ops(
    sessions: sessionmaker[Session],
    clock: FakeClock,
    fake_slack: FakeSlack,
    *,
    multiprocess_dir: str | None = None,
    timeout: float = 2.0,
) -> Iterator[str]:
    """The real HTTP server with a Bolt app and /healthz, /metrics on `sessions`; yields its base URL."""
    runtime = Runtime(sessions=sessions, defaults=WorkspaceDefaults(), clock=clock)
    app = build_app(
        runtime=runtime, bot_token=fake_slack.bot_token, signing_secret="s", slack_api_url=fake_slack.base_url
    )
    routes = ops_routes(sessions, clock, multiprocess_dir=multiprocess_dir, health=HealthPolicy(timeout=timeout))
    server = make_http_server(app, "127.0.0.1", 0, routes)
    serve_in_background(server)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
