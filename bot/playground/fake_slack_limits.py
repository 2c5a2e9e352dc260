"""Slack's posting limits for the fake Slack: about one message per second per channel with short bursts, and a
workspace-wide ceiling of a few hundred a minute (PLATFORM-FACTS.md §5.1), answered as Slack does — HTTP 429 with
Retry-After. Time may be sped up (20× runs a minute of Slack in three seconds); the floor a benchmark compares
against is computed from the same figures.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RateLimits:
    """chat.postMessage's limits, in Slack's own time (before `speedup`).

    Attributes:
        per_channel: messages per second to one channel (a DM is a channel of its own).
        channel_burst: how many a channel takes at once before the per-second rate applies.
        per_workspace: messages per second across the workspace ("several hundred per minute").
        workspace_burst: how many the workspace takes at once.
        speedup: how much faster than Slack's clock the limits run (1: real time).
    """

    per_channel: float = 1.0
    channel_burst: int = 3
    per_workspace: float = 5.0
    workspace_burst: int = 20
    speedup: float = 1.0

    def floor(self, messages_per_channel: Iterable[int]) -> float:
        """The least time, in seconds of the (sped-up) clock, these messages can take to be accepted."""
        counts = list(messages_per_channel)
        workspace = max(0, sum(counts) - self.workspace_burst) / self.per_workspace
        channel = max((max(0, count - self.channel_burst) / self.per_channel for count in counts), default=0.0)
        return max(workspace, channel) / self.speedup

    def retry_after(self, seconds: float) -> str:
        """The Retry-After header for a wait: whole seconds as Slack sends them, or exact ones when sped up."""
        return str(max(1, math.ceil(seconds))) if self.speedup == 1 else f"{math.ceil(seconds * 1000) / 1000:.3f}"


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    stamp: float

    def wait(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class Limiter:
    """Token buckets per channel and for the workspace; `admit` takes one token from each, or says how long to
    wait."""

    limits: RateLimits
    clock: Callable[[], float] = time.monotonic
    _channels: dict[str, _Bucket] = field(default_factory=dict)
    _workspace: _Bucket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, channel: str) -> float:
        """0 if a message to `channel` may go now (and it is counted), else the seconds until one may."""
        limits, now = self.limits, self.clock()
        with self._lock:
            if self._workspace is None:
                rate = limits.per_workspace * limits.speedup
                self._workspace = _Bucket(rate, limits.workspace_burst, limits.workspace_burst, now)
            bucket = self._channels.get(channel)
            if bucket is None:
                rate = limits.per_channel * limits.speedup
                bucket = self._channels[channel] = _Bucket(rate, limits.channel_burst, limits.channel_burst, now)
            wait = max(self._workspace.wait(now), bucket.wait(now))
            if wait == 0:
                self._workspace.tokens -= 1
                bucket.tokens -= 1
            return wait
