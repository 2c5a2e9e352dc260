"""The floor of part 1 and 4: a bare Bolt app whose only listeners ack, served by the same gunicorn setup as
`tally run --http` (bot/serve.py: gthread workers, the same --workers and --threads).

    python -m bench.bare_app --port 0 --workers 2 --threads 8     # SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import serve
from bot.web import WSGIApp, build_wsgi_app

COMMANDS = ("/log", "/scorecard", "/standings", "/tally")


def build_bare_app(signing_secret: str, token: str, api_url: str) -> WSGIApp:
    """A Bolt app that verifies signatures and authorizes like Tally's (one token, checked once with auth.test)
    and acks every command, doing nothing else."""
    app = App(signing_secret=signing_secret, client=WebClient(token=token, base_url=api_url))

    def handle_command(ack: Ack) -> None:
        ack()

    for command in COMMANDS:
        app.command(command)(handle_command)
    return build_wsgi_app(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the bare app until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    secret, token, api_url = (os.environ[name] for name in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_API_URL"))
    options = serve.ServeOptions(args.host, args.port, args.workers, args.threads)
    serve.serve(lambda: build_bare_app(secret, token, api_url), options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
