"""Where `tally playground --teams` gets Tally's real Teams endpoint: the one place the playground meets the
Teams front end (bot/msteams/). Everything else in the Teams playground speaks only HTTP and JSON to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.teams_server import serve_aiohttp
from metrics.records import WorkspaceDefaults

MESSAGES_PATH = "/api/messages"  # where the endpoint takes Bot Framework activities (Teams' convention)


class TeamsEndpointMissing(Exception):
    """This build has no Teams endpoint to play with."""


def build_teams_endpoint(sessions: sessionmaker[Session], defaults: WorkspaceDefaults) -> web.Application:
    """Tally's Teams endpoint in anonymous mode over `sessions`: the aiohttp app `tally run --teams` serves.

    This is the plug: at merge it returns the front end's own app (bot/msteams/), built in anonymous mode so the
    playground's unsigned activities are accepted, and with replies sent to each activity's serviceUrl (the
    playground's fake Bot Connector).

    Raises:
        TeamsEndpointMissing: until the Teams front end is wired in here.
    """
    raise TeamsEndpointMissing("the Teams front end is not part of this build yet")


@contextmanager
def tally_teams_endpoint(sessions: sessionmaker[Session], defaults: WorkspaceDefaults) -> Iterator[str]:
    """Serve Tally's Teams endpoint on 127.0.0.1 until the block ends; yields the URL activities are POSTed to."""
    with serve_aiohttp(build_teams_endpoint(sessions, defaults)) as base_url:
        yield base_url + MESSAGES_PATH
