"""The bounded listener executor: a full queue makes the submitter wait, and room comes back as work finishes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.slack.executor import BoundedExecutor


def test_a_full_queue_makes_the_submitter_wait_until_work_finishes() -> None:
    gate = threading.Event()
    executor = BoundedExecutor(ThreadPoolExecutor(max_workers=1), limit=2)
    held = [executor.submit(gate.wait) for _ in range(2)]
    third = threading.Thread(target=lambda: executor.submit(lambda: "done").result())
    third.start()
    third.join(timeout=0.3)
    assert third.is_alive(), "the third task was taken although two were unfinished"
    gate.set()
    third.join(timeout=10)
    assert not third.is_alive() and all(future.result() for future in held)
    executor.shutdown(wait=True)
