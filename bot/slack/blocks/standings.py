"""Standings: the team's board, ranked fairly, as a message (ephemeral or posted) and on the Home tab."""

from __future__ import annotations

from bot.lines import standings as words
from bot.lines.scorecard import window_name, window_text
from bot.slack.blocks.kit import Block, Message, context, escape, header, message, section
from metrics.score_records import MetricLine, StandingRow, Standings

PAGE = 20  # rows per section; a board of 200 reps stays within Slack's 50 blocks per message
MEDALS = {1: ":first_place_medal:", 2: ":second_place_medal:", 3: ":third_place_medal:"}


def build_standings_blocks(board: Standings, *, limit: int | None = None) -> list[Block]:
    """The board: header, how it is ranked, team targets, then rows (all, or the first `limit` and the viewer)."""
    blocks: list[Block] = [
        header(f"Standings · {board.title} · {window_name(board.window)}"),
        context(f"{window_text(board.window)} · ranked by {words.ranked_by_text(board)}"),
    ]
    if board.team_lines:
        blocks.append(section("*Team targets*\n" + "\n".join(team_line(line) for line in board.team_lines)))
    rows = list(board.rows if limit is None else words.top(board, limit))
    if not rows:
        blocks.append(section("No one on this board yet."))
    for start in range(0, len(rows), PAGE):
        blocks.append(section("\n".join(row_text(row, board) for row in rows[start : start + PAGE])))
    if limit is not None and len(board.rows) > len(rows):
        blocks.append(context(f"{len(board.rows) - len(rows)} more · `/standings` shows everyone"))
    return blocks


def build_standings_message(board: Standings) -> Message:
    """The reply to /standings (or the post to the team channel)."""
    return message(escape(words.standings_text(board)), build_standings_blocks(board))


def row_text(row: StandingRow, board: Standings) -> str:
    """`:first_place_medal: *Alice* — score 104 · 310 pts`"""
    name = f"*{escape(row.label)}*" + (" (you)" if row.is_viewer else "")
    return f"{MEDALS.get(row.position or 0, words.place(row))} {name} — {words.row_value(row, board)}"


def team_line(line: MetricLine) -> str:
    """A team target and where the team stands against it."""
    return f"*{line.metric.label.capitalize()}* — {words.team_detail(line)}"
