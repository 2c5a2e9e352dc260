"""The `tally` command line, and Tally's composition root.

This is the only module that reads the environment, builds database engines and starts servers; everything
below it receives what it needs as arguments.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import cli_data, cli_db, cli_jobs
from bot.config import ConfigError, Settings
from bot.scheduler import build_scheduler
from bot.slack.notifier import SlackNotifier
from bot.slack.runtime import Runtime
from metrics import db

logger = logging.getLogger("tally")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `tally` command line; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        # The playground's transcript is its output, so it only shows warnings unless asked for more.
        level = settings.log_level or ("WARNING" if args.command == "playground" else "INFO")
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return int(args.handler(args, settings))
    except ConfigError as error:
        print(f"tally: configuration problem: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tally", description="Tally, the sales-accountability bot for Slack.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="connect to Slack (Socket Mode, or HTTP with --http)")
    run.add_argument("--http", action="store_true", help="serve Slack's HTTP requests instead of Socket Mode")
    run.add_argument("--host", default="0.0.0.0", help="address to listen on with --http (default 0.0.0.0)")
    run.add_argument("--port", type=int, default=3000, help="port to listen on with --http (default 3000)")
    run.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs in this process")
    run.set_defaults(handler=_run)

    play = commands.add_parser("playground", help="try Tally in the terminal, no Slack account needed")
    play.add_argument("--script", type=Path, help="play the lines of FILE and print the transcript")
    play.add_argument("--demo", action="store_true", help="play the built-in demo and exit")
    play.add_argument("--db", type=Path, help="keep the playground's data in this SQLite file (default: temporary)")
    play.set_defaults(handler=_playground)

    database = commands.add_parser("db", help="manage the database schema")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    database_commands.add_parser("upgrade", help="migrate to the newest schema").set_defaults(handler=_db_upgrade)
    downgrade = database_commands.add_parser("downgrade", help="migrate back to REVISION ('base' = empty)")
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=_db_downgrade)
    database_commands.add_parser("current", help="show the schema revision").set_defaults(handler=_db_current)
    cli_db.add_copy_command(database_commands).set_defaults(handler=_db_copy)

    cli_data.add_commands(commands)
    commands.choices["import"].set_defaults(handler=_import)
    commands.choices["report"].set_defaults(handler=_report)
    cli_jobs.add_commands(commands)
    commands.choices["scheduler"].set_defaults(handler=_scheduler)
    commands.choices["jobs"].set_defaults(handler=_jobs)
    return parser


def _sessions(database_url: str) -> sessionmaker[Session]:
    engine = db.make_engine(database_url)
    db.upgrade(engine)  # the schema is always brought up to date on start
    return db.make_sessionmaker(engine)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.app import build_app

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if args.http else "SLACK_APP_TOKEN")
    runtime = _runtime(settings)
    app = build_app(
        runtime=runtime,
        bot_token=settings.bot_token,
        signing_secret=settings.signing_secret,
        slack_api_url=settings.slack_api_url,
    )
    if args.no_scheduler:
        logger.info("--no-scheduler: this process runs no scheduled jobs")
    else:
        client = cli_jobs.slack_client(settings.bot_token, settings.slack_api_url)
        assert client is not None  # required above
        build_scheduler(runtime, SlackNotifier(client), client).start()
    if args.http:
        return _serve_http(app, args.host, args.port)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    logger.info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.app_token).start()  # type: ignore[no-untyped-call]
    return 0


def _serve_http(app: App, host: str, port: int) -> int:
    from bot.slack.server import EVENTS_PATH, make_http_server

    server = make_http_server(app, host, port)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: finishing in-flight requests and stopping", signum)
        # shutdown() waits for serve_forever to return, so it must run off the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Tally is listening on http://{host}:{server.server_port}{EVENTS_PATH}", flush=True)
    server.serve_forever()
    server.server_close()
    return 0


def _playground(args: argparse.Namespace, settings: Settings) -> int:
    from bot.playground.repl import DEMO, interact, play_script
    from bot.playground.session import Playground

    with tempfile.TemporaryDirectory(prefix="tally-playground-") as scratch:
        path = args.db or Path(scratch) / "playground.db"
        with Playground(sessions=_sessions(f"sqlite:///{path}"), defaults=settings.workspace_defaults) as playground:
            if args.script is not None:
                play_script(playground, args.script.read_text(encoding="utf-8").splitlines(), sys.stdout)
            elif args.demo or not sys.stdin.isatty():
                play_script(playground, DEMO.splitlines(), sys.stdout)
            else:
                interact(playground, sys.stdin, sys.stdout)
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    sessions = _sessions(settings.database_url)
    now = datetime.now(UTC)
    return cli_data.run_import(args, sessions, settings.workspace_defaults, now=now, out=sys.stdout, err=sys.stderr)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    sessions = _sessions(settings.database_url)
    return cli_data.run_report(args, sessions, now=datetime.now(UTC), out=sys.stdout, err=sys.stderr)


def _runtime(settings: Settings) -> Runtime:
    return Runtime(sessions=_sessions(settings.database_url), defaults=settings.workspace_defaults)


def _scheduler(args: argparse.Namespace, settings: Settings) -> int:
    settings.require("SLACK_BOT_TOKEN")
    client = cli_jobs.slack_client(settings.bot_token, settings.slack_api_url)
    assert client is not None
    return cli_jobs.run_scheduler(_runtime(settings), client, args.dispatch_every, sys.stdout)


def _jobs(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _runtime(settings)
    client = cli_jobs.slack_client(settings.bot_token, settings.slack_api_url)
    if args.jobs_command == "run":
        return cli_jobs.run_job(args, runtime, client, sys.stdout)
    if args.jobs_command == "list":
        return cli_jobs.list_jobs(runtime, client or WebClient(), sys.stdout)
    if args.jobs_command == "failures":
        return cli_jobs.show_failures(runtime.sessions, args.limit, sys.stdout)
    return cli_jobs.retry_failed(runtime.sessions, sys.stdout)


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
