"""Parts 1 and 4: signed slash commands into `tally run --http` (the real server, gunicorn) from 1 and 20
concurrent clients, against a bare Bolt app served the same way whose listeners only ack; and the peak memory of
each serving process once a company of 1,000 reps has been through it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.backends import Backend
from bench.company import TEAM_ID, Company, generate, user_id
from bench.results import Result, Run
from bench.servers import Served, bare_command, environment, tally_command
from bot.playground import slack_requests as requests
from bot.playground.fake_slack import Call, FakeSlack

SECRET = "bench-signing-secret"
COMMANDS = (("/log", "12 dials"), ("/scorecard", ""), ("/standings", ""))
CLIENTS = (1, 20)
LATENCY_GOAL = MEMORY_GOAL = 1.5
WORKERS, THREADS = 2, 8  # `tally run --http`'s defaults


@dataclass(frozen=True, slots=True)
class Latency:
    """Median and 99th percentile of one command's HTTP answer (the ack), in seconds, and how many requests
    were not acknowledged within Slack's 3 seconds (Bolt then answers 404 "unhandled request")."""

    median: float
    p99: float
    missed: int = 0


def run_latency(run: Run, backends: list[Backend], *, reps: int, requests_each: int) -> None:
    """Time every command at each concurrency on both servers; then read both servers' peak memory."""
    backend = backends[-1]  # PostgreSQL when there is one: what a company of thousands runs on
    company = generate(backend.fresh("latency"), reps=reps, entry_rows=reps * 6 * 20)
    with FakeSlack(team_id=TEAM_ID) as fake:
        for n in range(reps):
            fake.add_user(user_id(n), f"Rep {n:05d}", "America/New_York")
        env = environment(
            SLACK_BOT_TOKEN=fake.bot_token, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.base_url,
            DATABASE_URL=company.url, TALLY_LOG_LEVEL="WARNING",
        )  # fmt: skip
        with Served(bare_command(WORKERS, THREADS), env) as bare:
            floors = _all(bare, fake, company, requests_each, replies=False)
            bare_memory = bare.peak_memory_mb()
        with Served(tally_command(WORKERS, THREADS), env) as tally:
            measured = _all(tally, fake, company, requests_each, replies=True)
            _load_everyone(tally, fake, company)
            tally_memory = tally.peak_memory_mb()
    where = f"{backend.name}, {WORKERS} workers × {THREADS} threads"
    for (command, clients), floor in floors.items():
        mine = measured[(command, clients)]
        name = f"{command} · {clients} client{'s' if clients > 1 else ''}"
        missed = f"; {mine.missed} of {requests_each} NOT acknowledged within 3 s" if mine.missed else ""
        run.add(Result("1 latency", f"{name} · median", floor.median, mine.median, LATENCY_GOAL, note=where))
        run.add(Result("1 latency", f"{name} · p99", floor.p99, mine.p99, LATENCY_GOAL, note=where + missed))
    run.add(Result("4 memory", f"peak RSS of the server and its workers · {reps} reps", bare_memory, tally_memory,
                   MEMORY_GOAL, unit="MB", note=where))  # fmt: skip


def _all(
    server: Served, fake: FakeSlack, company: Company, count: int, *, replies: bool
) -> dict[tuple[str, int], Latency]:
    found = {}
    for command, text in COMMANDS:  # warm up: each worker's first request connects, authorizes, imports
        with _replies(fake, 4 * WORKERS if replies else 0):
            _measure(server.url, fake, company, command, text, 2 * WORKERS, 4 * WORKERS, replies=replies)
    for command, text in COMMANDS:
        for clients in CLIENTS:
            with _replies(fake, count if replies else 0):
                found[(command, clients)] = _measure(
                    server.url, fake, company, command, text, clients, count, replies=replies
                )
    return found


@contextmanager
def _replies(fake: FakeSlack, expected: int) -> Iterator[None]:
    """Wait, after the block, for Tally's replies to its requests: the next batch must not queue behind them."""
    before = len(fake.calls("response_url"))
    yield
    if expected:  # an unacknowledged request still runs its listener (it was queued), so it replies too
        fake.wait_for(lambda calls: sum(c.method == "response_url" for c in calls) >= before + expected, timeout=600)


def _measure(
    url: str, fake: FakeSlack, company: Company, command: str, text: str, clients: int, count: int, *, replies: bool
) -> Latency:
    """Each client is a person: they send the command, and once Tally's reply has come (the bare app sends none)
    they send the next. Without that wait, 20 clients would offer work without limit: a new command every
    few milliseconds each, far beyond what any two cores can answer."""
    poster = requests.SignedPoster(url, SECRET)

    def one(n: int) -> tuple[float, bool]:
        response_url = fake.new_response_url()
        body = requests.slash_command(
            command, text, user_id=user_id(2 + n % (company.reps - 2)), team_id=TEAM_ID, response_url=response_url
        )
        start = time.perf_counter()
        reply = poster.post(body, requests.FORM)
        elapsed = time.perf_counter() - start
        if replies:
            _wait_for_reply(fake, urlsplit(response_url).path)
        if reply.status == 404 and "unhandled" in reply.body:
            return elapsed, True  # Bolt gave up waiting for the listener's ack: Slack would show an error
        if reply.status != 200:
            raise RuntimeError(f"{command} answered HTTP {reply.status}: {reply.body[:200]}")
        return elapsed, False

    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = list(pool.map(one, range(count)))
    times = [elapsed for elapsed, _ in answers]
    missed = sum(missed for _, missed in answers)
    return Latency(statistics.median(times), statistics.quantiles(times, n=100, method="inclusive")[98], missed)


def _wait_for_reply(fake: FakeSlack, path: str) -> None:
    scanned = 0

    def arrived(calls: list[Call]) -> bool:
        nonlocal scanned  # look only at calls not seen before: twenty waiters rescanning everything is quadratic
        found = any(call.path == path for call in calls[scanned:])
        scanned = len(calls)
        return found

    fake.wait_for(arrived, timeout=120)


def _load_everyone(server: Served, fake: FakeSlack, company: Company) -> None:
    """The admin's month board: all of the company's reps through one worker, for the memory reading."""
    poster = requests.SignedPoster(server.url, SECRET)
    with _replies(fake, 2):
        for _ in range(2):  # one per worker, most likely
            body = requests.slash_command("/standings", "month", user_id=company.admin_user, team_id=TEAM_ID,
                                          response_url=fake.new_response_url())  # fmt: skip
            poster.post(body, requests.FORM)
