"""`tally scheduler` and `tally jobs run|list|failures|retry-failed`: the scheduled jobs from the command line."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from bot.notifiers import RoutingNotifier
from bot.scheduler import Schedule, build_scheduler, job_table, next_runs, owner_name
from bot.slack.clients import WorkspaceClients
from bot.slack.home_refresh import refresh_homes
from bot.slack.runtime import Runtime
from metrics import jobs, outbox_review
from metrics.dispatch import Dispatcher
from metrics.notify import Notifier

JOB_CHOICES = (*jobs.JOB_NAMES, "homes")
TEAMS_ANONYMOUS_HELP = "send to Teams without credentials (local development only: a fake or the Agents Playground)"


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `scheduler` and `jobs` to the `tally` command line."""
    scheduler = commands.add_parser("scheduler", help="run the scheduled jobs (nudges, posts, digests, sending)")
    scheduler.add_argument(
        "--dispatch-every", type=int, default=10, metavar="SECONDS", help="how often to send what is due (default 10)"
    )
    scheduler.add_argument("--teams-anonymous", action="store_true", help=TEAMS_ANONYMOUS_HELP)
    jobs_parser = commands.add_parser("jobs", help="run or inspect the scheduled jobs")
    actions = jobs_parser.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    run = actions.add_parser("run", help="run one job once, as if at --now (default: now)")
    run.add_argument("name", choices=JOB_CHOICES)
    run.add_argument("--now", type=_instant, help="an ISO time with offset, e.g. 2026-12-01T08:30:00-05:00")
    run.add_argument("--plan-only", action="store_true", help="plan deliveries but send nothing")
    run.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="keep sending while retries fall due within this time (default 0)",
    )
    run.add_argument(
        "--lease",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long a claimed delivery is this process's (default 300)",
    )
    run.add_argument("--teams-anonymous", action="store_true", help=TEAMS_ANONYMOUS_HELP)
    actions.add_parser("list", help="each job and when it runs next")
    failures = actions.add_parser("failures", help="deliveries that gave up, and those skipped with a reason")
    failures.add_argument("--limit", type=int, default=50)
    actions.add_parser("retry-failed", help="queue every failed delivery again")


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. 2026-12-01T08:30:00-05:00")
    return value.astimezone(UTC)


def run_job(
    args: argparse.Namespace,
    runtime: Runtime,
    clients: WorkspaceClients | None,
    notifier: Notifier | None,
    out: TextIO,
) -> int:
    """`tally jobs run NAME`: `clients` for Slack's Home tabs, `notifier` (None: no platform set up) to send."""
    now = args.now or datetime.now(UTC)
    if args.name == "homes":
        if clients is None:
            raise SystemExit("tally: `jobs run homes` needs SLACK_BOT_TOKEN (or OAuth settings)")
        print(f"homes: refreshed {refresh_homes(runtime, clients, now)} Home tabs", file=out)
        return 0
    if notifier is None and not args.plan_only:
        raise SystemExit("tally: sending needs SLACK_BOT_TOKEN, OAuth settings or MICROSOFT_APP_* (or --plan-only)")
    report = jobs.run(args.name, runtime.sessions, None, now)
    if args.name != "dispatch":
        print(f"{args.name}: planned {report.planned.planned}, already planned {report.planned.already}", file=out)
    if args.plan_only or notifier is None:
        return 0
    clock: Callable[[], datetime] = (lambda: now) if args.now else (lambda: datetime.now(UTC))
    dispatcher = Dispatcher(
        runtime.sessions, notifier, clock=clock, owner=owner_name(), lease=timedelta(seconds=args.lease)
    )
    sent = dispatcher.run(wait=timedelta(seconds=args.wait))
    print(
        f"dispatch: sent {sent.sent}, skipped {sent.skipped}, failed {sent.failed}, retrying {sent.retrying}, "
        f"rate limited {sent.rate_limited} times",
        file=out,
    )
    return 0


def list_jobs(runtime: Runtime, clients: WorkspaceClients, out: TextIO) -> int:
    """`tally jobs list`."""
    table = job_table(runtime, RoutingNotifier({}), clients)  # listing only: nothing is sent
    for job_id, when in next_runs(table, datetime.now(UTC)).items():
        print(f"{job_id:<10} {table[job_id][0]}  next {when:%Y-%m-%d %H:%M:%S %Z}", file=out)
    return 0


def show_failures(sessions: sessionmaker[Session], limit: int, out: TextIO) -> int:
    """`tally jobs failures`: deliveries that gave up (`retry-failed` queues them again), then those skipped with
    a reason, such as a Teams user Tally cannot reach yet (never retried: the next message goes out once the
    reason is gone)."""
    with sessions.begin() as session:
        failed = outbox_review.failures(session, limit)
        skipped = outbox_review.skipped(session, limit)
    if not failed:
        print("no failed deliveries", file=out)
    for item in failed:
        print(_line(item), file=out)
    if skipped:
        print(f"skipped, not sent and not retried (latest {len(skipped)}):", file=out)
    for item in skipped:
        print(f"  {_line(item)}", file=out)
    return 0


def _line(item: outbox_review.FailedDelivery) -> str:
    when = f"{item.finished_at:%Y-%m-%d %H:%M} UTC" if item.finished_at else "?"
    return f"#{item.id} {when} {item.workspace} {item.kind} {item.key}: {item.error}"


def retry_failed(sessions: sessionmaker[Session], out: TextIO) -> int:
    """`tally jobs retry-failed`."""
    with sessions.begin() as session:
        count = outbox_review.retry_failed(session, datetime.now(UTC))
    print(f"queued {count} failed deliveries again", file=out)
    return 0


def run_scheduler(
    runtime: Runtime, clients: WorkspaceClients, notifier: Notifier, dispatch_every: int, out: TextIO
) -> int:
    """`tally scheduler`: run every job on its schedule until SIGTERM or SIGINT."""
    schedule = Schedule(dispatch_seconds=f"*/{max(1, dispatch_every)}")
    scheduler = build_scheduler(runtime, notifier, clients, schedule)
    stopped = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
    print(f"Tally's scheduler is running ({', '.join(job.id for job in scheduler.get_jobs())})", file=out, flush=True)
    stopped.wait()
    scheduler.shutdown(wait=True)
    return 0
