"""The App Home tab: the rep's live card, their team's board, and buttons to log and to change settings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack.blocks import ids
from bot.slack.blocks.kit import Block, actions, button, context, divider, header, section
from bot.slack.blocks.scorecard import build_scorecard_blocks
from bot.slack.blocks.standings import row_text, team_line
from metrics.score_records import MetricLine
from metrics.services.dashboard import BOARD_PAGE, Dashboard

BAR_CELLS = 10
TOP_FOR_REPS = 10


def build_home_view(dashboard: Dashboard, now: datetime) -> dict[str, Any]:
    """The Home tab view for `views.publish` (always under Slack's 100 blocks)."""
    card = dashboard.card
    updated = now.astimezone(ZoneInfo(card.timezone))
    blocks: list[Block] = [
        *build_scorecard_blocks(card),
        *_bars(card.numbers.lines),
        actions(
            button("Log activity", ids.OPEN_LOG_FORM, style="primary"),
            button("Settings", ids.OPEN_SETTINGS),
        ),
        divider(),
        *_board(dashboard),
        context(f"Updated {updated:%H:%M} your time · `/log 12 dials 3 meetings` works anywhere · `/tally help`"),
    ]
    return {"type": "home", "blocks": blocks[:100]}


def bar(fraction: Decimal | None) -> str:
    """`▓▓▓▓▓▓░░░░ 60 %` — progress to target, capped at a full bar."""
    if fraction is None:
        return ""
    filled = min(BAR_CELLS, max(0, int((fraction * BAR_CELLS).to_integral_value())))
    return "▓" * filled + "░" * (BAR_CELLS - filled) + f" {(fraction * 100).quantize(Decimal(1))} %"


def _bars(lines: tuple[MetricLine, ...]) -> list[Block]:
    with_targets = [line for line in lines if line.target]
    if not with_targets:
        return []
    text = "\n".join(f"`{bar(line.attainment)}` {line.metric.label}" for line in with_targets)
    return [section(text)]


def _board(dashboard: Dashboard) -> list[Block]:
    board = dashboard.board
    if board is None:
        return [
            context(
                "You're not in a team yet, so there is no team board here. An admin adds you with `/tally team add`."
            )
        ]
    blocks: list[Block] = [header(f"{board.title} this week")]
    if board.team_lines:
        blocks.append(section("\n".join(team_line(line) for line in board.team_lines)))
    if dashboard.manager:
        rows = board.rows[dashboard.page * BOARD_PAGE : (dashboard.page + 1) * BOARD_PAGE]
    else:
        rows = board.rows[:TOP_FOR_REPS] + tuple(r for r in board.rows[TOP_FOR_REPS:] if r.is_viewer)
    blocks.append(section("\n".join(row_text(row, board) for row in rows) or "No one on the board yet."))
    if dashboard.manager and dashboard.pages > 1:
        blocks.append(_pager(dashboard))
    return blocks


def _pager(dashboard: Dashboard) -> Block:
    buttons = []
    if dashboard.page > 0:
        buttons.append(button("◀ Previous", ids.HOME_PAGE_PREVIOUS, value=str(dashboard.page - 1)))
    if dashboard.page < dashboard.pages - 1:
        buttons.append(button("Next ▶", ids.HOME_PAGE_NEXT, value=str(dashboard.page + 1)))
    return actions(*buttons) if buttons else context(f"Page {dashboard.page + 1} of {dashboard.pages}")
