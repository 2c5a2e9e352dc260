"""Where `tally playground --teams` gets Tally's real Teams endpoint: the one place the playground meets the
Teams front end (bot/msteams/). Everything else in the Teams playground speaks only HTTP and JSON to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.msteams.app import build_teams_app
from bot.msteams.auth import teams_auth
from bot.msteams.runtime import TeamsRuntime
from bot.playground.teams_server import serve_aiohttp
from metrics.records import WorkspaceDefaults

MESSAGES_PATH = "/api/messages"  # where the endpoint takes Bot Framework activities (Teams' convention)


def build_teams_endpoint(sessions: sessionmaker[Session], defaults: WorkspaceDefaults) -> web.Application:
    """Tally's Teams endpoint in anonymous mode over `sessions`: the aiohttp app `tally run --teams` serves.

    Anonymous, so the playground's unsigned activities are accepted; replies go to each activity's serviceUrl,
    the playground's fake Bot Connector.
    """
    return build_teams_app(TeamsRuntime(sessions=sessions, defaults=defaults), teams_auth(Settings(), anonymous=True))


@contextmanager
def tally_teams_endpoint(sessions: sessionmaker[Session], defaults: WorkspaceDefaults) -> Iterator[str]:
    """Serve Tally's Teams endpoint on 127.0.0.1 until the block ends; yields the URL activities are POSTed to."""
    with serve_aiohttp(build_teams_endpoint(sessions, defaults)) as base_url:
        yield base_url + MESSAGES_PATH
