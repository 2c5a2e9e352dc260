"""What the fake Slack records (a Call) and how it misbehaves (a Fault, drawn at random by a Chaos)."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received: the API method (or "response_url"), its parameters, and what it answered."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    at: float  # when it was answered (after any latency or hang)
    path: str = ""
    arrived: float = 0.0  # when the request arrived, before any latency or hang

    def json_param(self, name: str) -> Any:
        """A parameter that slack_sdk may send JSON-encoded inside a form (blocks, view): decoded."""
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


@dataclass(slots=True)
class Fault:
    status: int = 0
    retry_after: int | None = None
    hang_seconds: float = 0.0
    drop: bool = False


@dataclass
class Chaos:
    """Random misbehaviour: each call of `methods` draws one fault, or none; `drawn` counts the draws by outcome
    ("429", "500", "hang", "none"), so a test can report the fault mix it really got."""

    methods: set[str]
    rate_limited: float
    server_error: float
    hang: float
    hang_seconds: float
    retry_after: int
    rng: random.Random
    drawn: Counter[str] = field(default_factory=Counter)

    def roll(self, method: str) -> Fault | None:
        if method not in self.methods:
            return None
        fault = self._draw()
        self.drawn["none" if fault is None else "hang" if fault.hang_seconds else str(fault.status)] += 1
        return fault

    def _draw(self) -> Fault | None:
        draw = self.rng.random()
        if draw < self.rate_limited:
            return Fault(429, self.retry_after)
        if draw < self.rate_limited + self.server_error:
            return Fault(500)
        if draw < self.rate_limited + self.server_error + self.hang:
            return Fault(hang_seconds=self.hang_seconds)
        return None
