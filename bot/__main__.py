"""The `tally` command line, and Tally's composition root.

This is the only module that reads the environment, builds database engines and starts servers; everything
below it receives what it needs as arguments.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot import cli_data, cli_db, cli_export, cli_jobs, cli_teams, compose
from bot.config import ConfigError, Settings
from bot.logs import configure_logging
from bot.scheduler import build_scheduler
from metrics import db

if TYPE_CHECKING:
    from bot.playground.repl import LinePlayer

logger = logging.getLogger("tally")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `tally` command line; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        # The playground's transcript is its output, so it only shows warnings unless asked for more.
        level = settings.log_level or ("WARNING" if args.command == "playground" else "INFO")
        configure_logging(level, settings.log_format)
        return int(args.handler(args, settings))
    except ConfigError as error:
        print(f"tally: configuration problem: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tally", description="Tally, the sales-accountability bot for Slack.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="connect to Slack (Socket Mode, or HTTP with --http), or serve Teams")
    run.add_argument("--http", action="store_true", help="serve Slack's HTTP requests instead of Socket Mode")
    run.add_argument("--teams", action="store_true", help="serve Microsoft Teams at /api/messages instead of Slack")
    run.add_argument("--anonymous", action="store_true", help="with --teams: accept unsigned requests (local only)")
    run.add_argument("--host", help="address to listen on (default 0.0.0.0; 127.0.0.1 with --anonymous)")
    run.add_argument("--port", type=int, help="port to listen on (default 3000 with --http, 3978 with --teams)")
    run.add_argument("--workers", type=int, default=2, help="with --http: worker processes (default 2)")
    run.add_argument("--threads", type=int, default=8, help="with --http: request threads per worker (default 8)")
    run.add_argument(
        "--graceful-timeout", type=int, default=30, help="with --http: seconds to finish work on SIGTERM (default 30)"
    )
    run.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs beside the server")
    run.set_defaults(handler=_run)

    play = commands.add_parser("playground", help="try Tally in the terminal, no Slack account needed")
    play.add_argument("--script", type=Path, help="play the lines of FILE and print the transcript")
    play.add_argument("--demo", action="store_true", help="play the built-in demo and exit")
    play.add_argument("--db", type=Path, help="keep the playground's data in this SQLite file (default: temporary)")
    play.add_argument("--teams", action="store_true", help="a pretend Microsoft Teams instead of Slack")
    play.set_defaults(handler=_playground)

    database = commands.add_parser("db", help="manage the database schema")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    database_commands.add_parser("upgrade", help="migrate to the newest schema").set_defaults(handler=_db_upgrade)
    downgrade = database_commands.add_parser("downgrade", help="migrate back to REVISION ('base' = empty)")
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=_db_downgrade)
    database_commands.add_parser("current", help="show the schema revision").set_defaults(handler=_db_current)
    cli_db.add_copy_command(database_commands).set_defaults(handler=_db_copy)

    commands.add_parser("secret-key", help="print a new TALLY_SECRET_KEY").set_defaults(handler=_secret_key)

    cli_data.add_commands(commands)
    commands.choices["import"].set_defaults(handler=_import)
    commands.choices["report"].set_defaults(handler=_report)
    cli_jobs.add_commands(commands)
    cli_export.add_commands(commands, _sessions)
    commands.choices["scheduler"].set_defaults(handler=_scheduler)
    commands.choices["jobs"].set_defaults(handler=_jobs)
    cli_teams.add_commands(commands)
    return parser


def _sessions(database_url: str) -> sessionmaker[Session]:
    engine = db.make_engine(database_url)
    db.upgrade(engine)  # the schema is always brought up to date on start
    return db.make_sessionmaker(engine)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.teams:
        return _run_teams(args, settings)
    if args.anonymous:
        raise ConfigError("--anonymous is for --teams (Slack requests are always verified)")
    compose.require_slack(settings, serving=True, http=args.http)
    if args.http:
        return _run_http(args, settings)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    runtime = compose.runtime(settings)
    app = compose.bolt_app(runtime, settings)
    if args.no_scheduler:
        logger.info("--no-scheduler: this process runs no scheduled jobs")
    else:
        clients = compose.any_clients(settings, runtime)
        build_scheduler(runtime, compose.scheduler_notifier(settings, runtime), clients).start()
    logger.info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.app_token).start()  # type: ignore[no-untyped-call]
    return 0


def _run_http(args: argparse.Namespace, settings: Settings) -> int:
    """Serve under gunicorn; the scheduler, unless --no-scheduler, runs as a child process beside it."""
    metrics_dir = _prometheus_multiprocess_dir(settings)  # before prometheus_client is imported
    from bot import serve
    from bot.ops.routes import ops_routes
    from bot.web import WSGIApp, build_wsgi_app

    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)  # once, here: several workers migrating at the same moment would race
    engine.dispose()  # no connection may cross the fork into the workers

    def build_worker_app() -> WSGIApp:
        runtime = compose.runtime(settings, migrate=False)
        executor = ThreadPoolExecutor(max_workers=args.threads, thread_name_prefix="tally-listener")
        serve.drain_on_exit(executor)
        routes = ops_routes(runtime.sessions, runtime.clock, multiprocess_dir=metrics_dir)
        return build_wsgi_app(compose.bolt_app(runtime, settings, executor), routes)

    scheduler = None if args.no_scheduler else _start_scheduler_process()
    try:
        port = 3000 if args.port is None else args.port
        options = serve.ServeOptions(args.host or "0.0.0.0", port, args.workers, args.threads, args.graceful_timeout)
        serve.serve(build_worker_app, options, hooks={"child_exit": serve.forget_worker_metrics})
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=30)
    return 0


def _run_teams(args: argparse.Namespace, settings: Settings) -> int:
    """Serve Teams with aiohttp; the scheduler (unless --no-scheduler) is the child process `--http` also runs."""
    from bot.msteams.auth import teams_auth
    from bot.msteams.runtime import TeamsRuntime
    from bot.msteams.server import listen_host, serve

    auth = teams_auth(settings, anonymous=args.anonymous)  # ConfigError without MICROSOFT_APP_* unless anonymous
    if args.anonymous:
        logger.warning("--anonymous: Teams requests are not authenticated; never expose this port to a network")
    sessions = _sessions(settings.database_url)
    runtime = TeamsRuntime(sessions=sessions, defaults=settings.workspace_defaults)
    scheduler = None if args.no_scheduler else _start_scheduler_process(teams_anonymous=args.anonymous)
    port = 3978 if args.port is None else args.port
    try:
        serve(runtime, auth, host=listen_host(args.host, anonymous=args.anonymous), port=port, out=sys.stdout)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=30)
    return 0


def _prometheus_multiprocess_dir(settings: Settings) -> str:
    """PROMETHEUS_MULTIPROC_DIR, emptied of an earlier run's files, or a fresh directory if it is unset.

    Each gunicorn worker keeps its counters in files there, so /metrics adds up every worker, whichever one
    answers the scrape. prometheus_client reads the variable when it is imported: this runs first.
    """
    chosen = settings.prometheus_multiproc_dir or tempfile.mkdtemp(prefix="tally-prometheus-")
    for stale in Path(chosen).glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = chosen
    return chosen


def _start_scheduler_process(*, teams_anonymous: bool = False) -> subprocess.Popen[bytes]:
    # Gunicorn forks workers: a scheduler thread in any one of them would die or be doubled with it.
    logger.info("starting the scheduler as a child process (run `tally scheduler` yourself with --no-scheduler)")
    anonymous = ["--teams-anonymous"] if teams_anonymous else []  # it sends to Teams as the server accepts
    return subprocess.Popen([sys.executable, "-m", "bot", "scheduler", *anonymous])


def _playground(args: argparse.Namespace, settings: Settings) -> int:
    from bot.playground import repl
    from bot.playground.session import HELP, Playground

    with tempfile.TemporaryDirectory(prefix="tally-playground-") as scratch:
        sessions = _sessions(f"sqlite:///{args.db or Path(scratch) / 'playground.db'}")
        if args.teams:
            return _teams_playground(args, sessions, settings)
        with Playground(sessions=sessions, defaults=settings.workspace_defaults) as playground:
            _play(args, playground, repl.DEMO, repl.INTRO, HELP)
    return 0


def _teams_playground(args: argparse.Namespace, sessions: sessionmaker[Session], settings: Settings) -> int:
    from functools import partial

    from bot.playground import teams_endpoint, teams_session
    from bot.playground.session import KNOWN_PEOPLE

    endpoint = partial(teams_endpoint.tally_teams_endpoint, sessions, settings.workspace_defaults)
    with teams_session.TeamsPlayground(endpoint, KNOWN_PEOPLE, settings.workspace_defaults.timezone) as playground:
        _play(args, playground, teams_session.TEAMS_DEMO, teams_session.TEAMS_INTRO, teams_session.TEAMS_HELP)
    return 0


def _play(args: argparse.Namespace, playground: LinePlayer, demo: str, intro: str, help_text: str) -> None:
    from bot.playground.repl import interact, play_script

    if args.script is not None:
        play_script(playground, args.script.read_text(encoding="utf-8").splitlines(), sys.stdout)
    elif args.demo or not sys.stdin.isatty():
        play_script(playground, demo.splitlines(), sys.stdout)
    else:
        interact(playground, sys.stdin, sys.stdout, intro=intro, help_text=help_text)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    sessions = _sessions(settings.database_url)
    now = datetime.now(UTC)
    return cli_data.run_import(args, sessions, settings.workspace_defaults, now=now, out=sys.stdout, err=sys.stderr)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    sessions = _sessions(settings.database_url)
    return cli_data.run_report(args, sessions, now=datetime.now(UTC), out=sys.stdout, err=sys.stderr)


def _scheduler(args: argparse.Namespace, settings: Settings) -> int:
    compose.require_sender(settings, teams_anonymous=args.teams_anonymous)
    runtime = compose.runtime(settings)
    notifier = compose.scheduler_notifier(settings, runtime, teams_anonymous=args.teams_anonymous)
    clients = compose.any_clients(settings, runtime)
    return cli_jobs.run_scheduler(runtime, clients, notifier, args.dispatch_every, sys.stdout)


def _jobs(args: argparse.Namespace, settings: Settings) -> int:
    runtime = compose.runtime(settings)
    if args.jobs_command == "run":
        notifier = compose.scheduler_notifier(settings, runtime, teams_anonymous=args.teams_anonymous)
        sends = notifier if notifier.by_platform else None  # nothing set up: only --plan-only can run
        try:
            return cli_jobs.run_job(args, runtime, compose.workspace_clients(settings, runtime), sends, sys.stdout)
        finally:
            notifier.close()
    if args.jobs_command == "list":
        return cli_jobs.list_jobs(runtime, compose.any_clients(settings, runtime), sys.stdout)
    if args.jobs_command == "failures":
        return cli_jobs.show_failures(runtime.sessions, args.limit, sys.stdout)
    return cli_jobs.retry_failed(runtime.sessions, sys.stdout)


def _secret_key(_args: argparse.Namespace, _settings: Settings) -> int:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())
    return 0


def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    print(f"database at revision {db.current_revision(engine)} (newest: {db.head_revision()})")
    return 0


def _db_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = db.make_engine(settings.database_url)
    db.downgrade(engine, args.revision)
    print(f"database at revision {db.current_revision(engine) or 'base (empty)'}")
    return 0


def _db_current(_args: argparse.Namespace, settings: Settings) -> int:
    engine = db.make_engine(settings.database_url)
    print(f"database at revision {db.current_revision(engine) or 'base (empty)'} (newest: {db.head_revision()})")
    return 0


def _db_copy(args: argparse.Namespace, settings: Settings) -> int:
    source, target = db.make_engine(settings.database_url), db.make_engine(args.to)
    return cli_db.run_copy(args, source, target, out=sys.stdout, err=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
