"""`tally …` in Teams, end to end: a Teams-only company becomes admin, makes a team, adds people and a manager,
and that manager sets targets and picks the team's channel — the same grammar and services as Slack's /tally."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from metrics.models import AuditLog, Rep, Target, Team
from tests.msteams.conftest import CHANNEL, PEOPLE, TeamsHarness, card_text


def with_mentions(teams: TeamsHarness, who: str, words: str, *people: str, channel: bool = False) -> dict[str, Any]:
    """`who` says `words`, in which each {} is a mention of the next of `people`, entities as Teams sends them."""
    names = [PEOPLE[person][2] for person in people]
    activity = teams.activity(who, words.format(*(f"<at>{name}</at>" for name in names)), channel=channel)
    entities = activity.setdefault("entities", [])
    for person in people:
        user_id, aad, name, _ = PEOPLE[person]
        mentioned = {"id": user_id, "name": name, "aadObjectId": aad}
        entities.append({"type": "mention", "mentioned": mentioned, "text": f"<at>{name}</at>"})
    before = len(teams.connector.sent())
    status, _ = teams.post(activity)
    assert status in (200, 202)
    (reply,) = teams.connector.sent()[before:]
    return reply


def roles(teams: TeamsHarness) -> dict[str, tuple[str, str | None]]:
    """Each rep's role and team name."""
    with teams.sessions() as session:
        rows = session.execute(select(Rep.display_name, Rep.role, Team.name).outerjoin(Team, Team.id == Rep.team_id))
        return {name: (role, team) for name, role, team in rows}


def count(teams: TeamsHarness, model: type) -> int:
    with teams.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_teams_only_company_sets_up_a_team_and_its_manager_runs_it(teams: TeamsHarness) -> None:
    assert "You are now an admin" in card_text(teams.say("ana", "tally setup"))
    created = teams.say("ana", "tally team create East")
    assert "Created the team East" in card_text(created) and "team channel" in card_text(created)

    added = with_mentions(teams, "ana", "tally team add {} {} to East", "ben", "cho")
    assert "Added Ben Okafor, Cho Park to East" in card_text(added)
    made = with_mentions(teams, "ana", "tally role {} manager East", "ben")
    assert "⚠️" not in card_text(made)
    assert roles(teams) == {"Ana Lima": ("admin", None), "Ben Okafor": ("manager", "East"), "Cho Park": ("rep", "East")}

    target = with_mentions(teams, "ben", "target {} 50 dials daily", "cho")
    assert "Target set — Cho Park" in card_text(target) and count(teams, Target) == 1

    channel = teams.say("ben", "team channel", channel=True)
    assert "This is now East's channel" in card_text(channel)
    with teams.sessions() as session:
        team = session.scalars(select(Team)).one()
        assert team.channel_id == CHANNEL and team.channel_ref and team.channel_ref["conversation"]["id"] == CHANNEL

    listed = teams.say("cho", "tally teams", channel=True)
    assert "East" in card_text(listed) and "manager Ben Okafor" in card_text(listed)


def test_a_rep_cannot_create_a_team_and_nothing_is_written(teams: TeamsHarness) -> None:
    teams.say("ana", "tally setup")
    audited = count(teams, AuditLog)
    refused = teams.say("ben", "tally team create West")
    assert "⚠️" in card_text(refused) and count(teams, Team) == 0 and count(teams, AuditLog) == audited


def test_a_second_setup_by_someone_else_makes_no_second_admin(teams: TeamsHarness) -> None:
    teams.say("ana", "tally setup")
    refused = teams.say("ben", "tally setup")
    assert "already set up here; ask an admin (Ana Lima)" in card_text(refused)
    assert "already an admin" in card_text(teams.say("ana", "tally setup"))
    assert [name for name, (role, _) in roles(teams).items() if role == "admin"] == ["Ana Lima"]


def test_a_mention_teams_sent_without_an_object_id_is_looked_up_or_refused(teams: TeamsHarness) -> None:
    teams.say("ana", "tally setup")
    teams.say("ana", "tally team create East")
    teams.connector.add_member(PEOPLE["ben"][0], PEOPLE["ben"][1], "Ben Okafor")
    activity = teams.activity("ana", "tally team add <at>Ben Okafor</at> <at>Cho Park</at>")
    activity["entities"] = [
        {"type": "mention", "mentioned": {"id": PEOPLE[p][0], "name": PEOPLE[p][2]}, "text": f"<at>{PEOPLE[p][2]}</at>"}
        for p in ("ben", "cho")
    ]
    teams.post(activity)
    refused = teams.connector.sent()[-1]
    assert "couldn't tell who Cho Park is" in card_text(refused) and list(roles(teams)) == ["Ana Lima"]

    teams.connector.add_member(PEOPLE["cho"][0], PEOPLE["cho"][1], "Cho Park")
    teams.post(activity | {"id": "activity-again"})
    assert "Added Ben Okafor, Cho Park to East" in card_text(teams.connector.sent()[-1])


def test_personal_commands_and_what_stays_in_the_one_to_one_chat(teams: TeamsHarness) -> None:
    teams.say("ana", "tally setup")
    assert "only in our 1:1 chat" in card_text(teams.say("ana", "tally audit", channel=True))
    audit = teams.say("ana", "tally audit")
    assert "Audit log" in card_text(audit) and "Ana Lima became admin (setup)" in card_text(audit)
    assert "🌴 PTO #1" in card_text(teams.say("ben", "tally pto 2026-12-24..2026-12-31"))
    assert "only in our 1:1 chat" in card_text(teams.say("ben", "tally pto list", channel=True))
    assert "#1 · " in card_text(teams.say("ben", "tally pto list"))
    assert "Muted until" in card_text(teams.say("ben", "tally mute 3 days"))
    assert "Hidden" in card_text(teams.say("ben", "tally privacy hide"))
    assert "⚠️" in card_text(teams.say("ben", "tally audit"))
    export = teams.say("ana", "tally export entries")
    assert "use Slack, or **tally export** on the server" in card_text(export)
