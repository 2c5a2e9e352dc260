"""One scenario, both front ends, one database: the same person logging, undoing, winning a deal and asking for
their scorecard and the KPIs in Slack and in Teams gets the same numbers, worded the same."""

from __future__ import annotations

from bot.msteams.cards.replies import plain
from bot.slack.blocks import ids
from bot.slack.text import unescape
from tests.harness import SlackHarness
from tests.msteams.conftest import PEOPLE, TeamsHarness


def test_the_same_scenario_gives_the_same_numbers_in_slack_and_in_teams(
    slack: SlackHarness, teams: TeamsHarness
) -> None:
    _, _, name, zone = PEOPLE["ana"]
    slack.add_user("UANA", name, zone)
    said: dict[str, list[str]] = {"slack": [], "teams": []}
    for line in ("12 dials 3 meetings", "20 dials", "won Acme 12k cost 4k", "5 dials yesterday"):
        said["slack"].append(unescape(slack.command("/log", line, user="UANA").message["text"]))  # type: ignore[index]
        said["teams"].append(teams.say("ana", f"log {line}")["summary"])
    logged = slack.command("/log", "2 meetings", user="UANA")
    said["slack"].append(unescape(slack.click(ids.UNDO_LOG, logged.buttons["Undo"], user="UANA").message["text"]))  # type: ignore[index]
    teams_log = teams.say("ana", "log 2 meetings")
    said["teams"].append(teams.press("ana", teams_log, "Undo")[1]["summary"])
    for command in ("scorecard", "scorecard today", "kpis"):
        word, _, rest = command.partition(" ")
        said["slack"].append(plain(unescape(slack.command(f"/{word}", rest, user="UANA").message["text"])))  # type: ignore[index]
        said["teams"].append(teams.say("ana", command)["summary"])

    assert said["teams"] == said["slack"]
    assert "Dials — 37 · 37 pts" in said["teams"][5] and "Meetings — 3 · 30 pts" in said["teams"][5]
    assert "revenue won $12,000" not in said["teams"][5]  # the fallback lists activity; the card holds the deals
    assert "Win rate 100 % of closed deals (1 won, 0 lost" in said["teams"][7]
