"""The App Home tab: the rep's live scorecard and a button to log."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack.blocks import ids
from bot.slack.blocks.kit import actions, button, context, divider
from bot.slack.blocks.scorecard import build_scorecard_blocks
from metrics.score_records import Scorecard


def build_home_view(card: Scorecard, now: datetime) -> dict[str, Any]:
    """The Home tab view for `views.publish`."""
    updated = now.astimezone(ZoneInfo(card.timezone))
    return {
        "type": "home",
        "blocks": [
            *build_scorecard_blocks(card),
            divider(),
            actions(button("Log activity", ids.OPEN_LOG_FORM, style="primary")),
            context(f"Updated {updated:%H:%M} your time · `/log 12 dials 3 meetings` works anywhere"),
        ],
    }
