"""The scorecard and the standings as Adaptive Cards."""

from __future__ import annotations

from bot.lines import scorecard as words
from bot.lines import standings as board_words
from bot.msteams.cards.kit import Element, budgeted, card, facts, heading, md, text
from bot.msteams.cards.replies import Reply
from metrics.score_records import Scorecard, StandingRow, Standings

EMPTY_HINT = "Nothing logged in this window yet. Try **log 12 dials 3 meetings**."
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def build_scorecard_reply(card_: Scorecard) -> Reply:
    """Header, window, activity, goals, score/rank/streak, next step and today's totals."""
    numbers = card_.numbers
    day_off = "" if card_.working_day else " · today is a day off"
    body: list[Element] = [
        heading(f"Scorecard · {md(card_.rep_name)} · {words.window_name(card_.window)}"),
        text(f"{words.window_text(card_.window)} · {md(card_.timezone)}{day_off}", subtle=True),
        text("**Activity**"),
    ]
    lines = [(words.label(line), words.activity_detail(line)) for line in numbers.lines]
    body.append(facts(lines) if lines else text(EMPTY_HINT))
    if words.has_goals(card_):
        goals = [(words.label(line), words.goal_detail(line)) for line in numbers.goals]
        body += [text("**Goals**"), facts([*goals, ("Deals", words.deals_detail(card_))])]
    body.append(text(words.standing_text(card_), subtle=True))
    if numbers.next_step is not None:
        body.append(text(f"**Next step** — {words.next_step_text(numbers.next_step, numbers.lines)}"))
    if today := words.today_text(card_):
        body.append(text(f"Today: {today}", subtle=True))
    fallback = words.scorecard_text(card_)
    return Reply(fallback, card(body, fallback=fallback))


def build_standings_reply(board: Standings) -> Reply:
    """The board: how it is ranked, team targets, then the rows that fit Teams' message size."""
    body: list[Element] = [
        heading(f"Standings · {md(board.title)} · {words.window_name(board.window)}"),
        text(f"{words.window_text(board.window)} · ranked by {board_words.ranked_by_text(board)}", subtle=True),
    ]
    if board.team_lines:
        team = [(line.metric.label.capitalize(), board_words.team_detail(line)) for line in board.team_lines]
        body += [text("**Team targets**"), facts(team)]
    rows = [_row_line(row, board) for row in board.rows]
    # One TextBlock of lines, not a FactSet per rep: a board of hundreds stays far inside the message limit.
    body.append(text("\n\n".join(budgeted(rows)) if rows else "No one on this board yet."))
    fallback = board_words.standings_text(board)
    return Reply(fallback, card(body, fallback=fallback))


def _row_line(row: StandingRow, board: Standings) -> str:
    place = MEDALS.get(row.position or 0, board_words.place(row))
    name = f"**{md(row.label)}**" + (" (you)" if row.is_viewer else "")
    return f"{place} {name} — {board_words.row_value(row, board)}"
