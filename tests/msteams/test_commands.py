"""Commands as Teams messages, end to end: the same grammars, services and refusals as Slack's slash commands."""

from __future__ import annotations

from sqlalchemy import func, select, update

from bot.msteams.cards.forms import SUBMIT
from metrics.models import Entry, Rep, Target
from tests.msteams.conftest import PEOPLE, TeamsHarness, card_of, card_text


def entries(teams: TeamsHarness) -> int:
    with teams.sessions() as session:
        return int(session.scalar(select(func.coalesce(func.sum(Entry.quantity), 0))) or 0)


def make_admin(teams: TeamsHarness, who: str) -> None:
    teams.say(who, "help")
    with teams.sessions.begin() as session:
        session.execute(update(Rep).where(Rep.display_name == PEOPLE[who][2]).values(role="admin"))


def test_log_then_undo_on_the_card_then_scorecard(teams: TeamsHarness) -> None:
    logged = teams.say("ana", "log 12 dials 3 meetings")
    assert "Logged **12 dials** and **3 meetings** for today" in card_text(logged)
    assert "Today so far: 12 dials · 3 meetings · 42 pts" in card_text(logged)
    assert logged["summary"].startswith("Logged 12 dials and 3 meetings for today")

    method, undone = teams.press("ana", logged, "Undo")
    assert method == "PUT" and undone["id"] == logged["id"]  # the answer replaces the confirmation
    assert "Undone: 12 dials and 3 meetings" in card_text(undone) and entries(teams) == 0

    _, again = teams.press("ana", logged, "Undo")
    assert "already undone; nothing changed" in card_text(again) and entries(teams) == 0

    teams.say("ana", "log 7 dials")
    card = teams.say("ana", "scorecard")
    assert "Scorecard · Ana Lima · this week" in card_text(card)
    assert {"title": "Dials", "value": "7 · 7 pts"} in card_of(card)["body"][3]["facts"]


def test_nobody_else_can_undo_a_log_from_its_card_in_a_channel(teams: TeamsHarness) -> None:
    logged = teams.say("ana", "log 12 dials", channel=True)
    method, refused = teams.press("ben", logged, "Undo", channel=True)
    assert method == "POST" and "among yours" in card_text(refused) and entries(teams) == 12


def test_log_undo_undoes_the_last_log(teams: TeamsHarness) -> None:
    teams.say("ana", "log 4 emails")
    reply = teams.say("ana", "log undo")
    assert "Undone: 4 emails" in card_text(reply) and entries(teams) == 0


def test_a_deal_log_and_its_undo(teams: TeamsHarness) -> None:
    won = teams.say("ana", "log won Acme 12k cost 4k")
    assert "Won **Acme**" in card_text(won) and "$12,000, cost $4,000" in card_text(won)
    _, undone = teams.press("ana", won, "Undo")
    assert "deal you recorded is withdrawn" in card_text(undone)


def test_bad_input_gets_the_grammars_refusal_without_slashes_and_writes_nothing(teams: TeamsHarness) -> None:
    typo = teams.say("ana", "log 12 dails")
    assert "Did you mean “dials”?" in card_text(typo)
    assert "/log" not in card_text(typo) and "**log 12 dials 3 meetings**" in card_text(typo)
    teams.say("ana", "log 99999999 dials")
    teams.say("ana", "log 5 dials tomorrow")
    teams.say("ana", "scorecard fortnight")
    assert entries(teams) == 0


def test_an_unknown_word_or_help_answers_with_the_commands(teams: TeamsHarness) -> None:
    for text in ("hello", "help", "/help"):
        reply = teams.say("ana", text)
        assert "Tally — commands" in card_text(reply) and "/" not in card_text(reply).split("\n")[2]


def test_standings_rank_the_reps_and_are_the_public_board_in_a_channel(teams: TeamsHarness) -> None:
    teams.say("ana", "log 30 dials")
    teams.say("ben", "log 10 dials")
    board = teams.say("ben", "standings points")
    lines = card_text(board)
    assert lines.index("**Ana Lima**") < lines.index("**Ben Okafor** (you)")
    assert "30 pts" in lines

    with teams.sessions.begin() as session:
        session.execute(update(Rep).where(Rep.display_name == "Ana Lima").values(hidden=True))
    public = teams.say("ben", "standings points", channel=True)
    assert "Ana Lima" not in card_text(public) and "a teammate" in card_text(public)


def test_targets_for_yourself_and_by_a_manager_who_mentions_a_rep(teams: TeamsHarness) -> None:
    mine = teams.say("ben", "target me 60 dials daily")
    assert "Target set" in card_text(mine)

    make_admin(teams, "ana")
    teams.connector.add_member(PEOPLE["cho"][0], PEOPLE["cho"][1], "Cho Park")
    mention = {
        "type": "mention",
        "mentioned": {"id": PEOPLE["cho"][0], "name": "Cho Park"},
        "text": "<at>Cho Park</at>",
    }
    activity = teams.activity("ana", "target <at>Cho Park</at> 50 dials daily", channel=True)
    activity["entities"].append(mention)
    teams.post(activity)
    answer = teams.connector.sent()[-1]
    assert "Target set — Cho Park" in card_text(answer) and "50 dials" in card_text(answer)
    with teams.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Target)) == 2

    refused = teams.say("ben", "target <at>Ana</at> 5 dials daily")
    assert "⚠️" in card_text(refused)


def test_someone_elses_numbers_are_not_shown_in_a_channel(teams: TeamsHarness) -> None:
    make_admin(teams, "ana")
    activity = teams.activity("ana", "scorecard <at>Ben</at>", channel=True)
    activity["entities"].append({"type": "mention", "mentioned": {"id": PEOPLE["ben"][0], "name": "Ben"}})
    teams.post(activity)
    assert "only in our 1:1 chat" in card_text(teams.connector.sent()[-1])


def test_plan_and_kpis(teams: TeamsHarness) -> None:
    make_admin(teams, "ana")
    teams.say("ana", "log won Acme 10k")
    plan = teams.say("ana", "plan $1M year deal 10k win 25% opp 30% meet 40% conv 20%")
    assert "Plan · $1,000,000 · 2026 · everyone" in card_text(plan) and "plan apply" in card_text(plan)
    kpis = teams.say("ana", "kpis")
    assert "Win rate" in card_text(kpis) and "100 % of closed deals" in card_text(kpis)


def test_the_log_dialog_fetches_a_form_and_logs_every_metric_at_once(teams: TeamsHarness) -> None:
    offer = teams.say("ana", "log")
    data = card_of(offer)["actions"][0]["data"]
    status, fetched = teams.invoke("ana", "task/fetch", {"data": data})
    form = fetched["task"]["value"]["card"]["content"]
    ids = [element.get("id") for element in form["body"]]
    assert status == 200 and "metric:dials" in ids and "day" in ids

    bad = {"tally": SUBMIT, "metric:dials": "7.5", "day": "2026-11-26"}
    status, again = teams.invoke("ana", "task/submit", {"data": bad})
    assert again["task"]["type"] == "continue" and "whole number" in str(again) and entries(teams) == 0

    good = {"tally": SUBMIT, "metric:dials": "7", "metric:meetings": "1", "day": "2026-11-25", "tags": "#webinar"}
    status, closed = teams.invoke("ana", "task/submit", {"data": good})
    assert status == 200 and closed is None
    confirmation = teams.connector.sent()[-1]
    assert "Logged **7 dials** and **1 meeting** for yesterday" in card_text(confirmation) and entries(teams) == 8
