"""Reading the text of a slash command as Slack sends it.

Slack escapes &, < and > in what people type (as &amp;, &lt;, &gt;) and, for commands with `should_escape`,
turns mentions into markup: <@U123|bob>, <#C123|sales-floor>. This takes the markup out (keeping the ids) and
decodes the three entities, so the shared grammars see what the person typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True, slots=True)
class CommandText:
    """The words of a command, the people it mentions and the channels it names, in order."""

    text: str
    mentions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()


def read_command_text(raw: str) -> CommandText:
    """Split Slack's command text into plain words, mentioned user ids and named channel ids."""
    mentions = tuple(MENTION.findall(raw))
    channels = tuple(CHANNEL.findall(raw))
    words = CHANNEL.sub(" ", MENTION.sub(" ", raw))
    return CommandText(text=unescape(words), mentions=mentions, channels=channels)


def unescape(text: str) -> str:
    """Undo Slack's three escapes (&amp; last, so "&amp;lt;" stays the text "&lt;")."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape_like_slack(typed: str) -> str:
    """What Slack sends for text a person typed (for the playground and tests)."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
