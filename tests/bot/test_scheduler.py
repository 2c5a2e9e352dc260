"""The scheduler's wiring, the `tally jobs` command line, and the Slack side of the accountability loop: the
quick-log buttons of a nudge, `/tally schedule`, and the events that stop Tally sending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.__main__ import main
from bot.playground.fake_slack import FakeSlack
from bot.scheduler import build_scheduler, job_table, next_runs
from bot.slack.blocks import ids
from bot.slack.notifier import SlackNotifier, notifier_client
from bot.slack.runtime import Runtime
from metrics.models import Delivery, Entry, Rep, Workspace
from metrics.records import WorkspaceDefaults
from tests.factories import FakeClock, make_office
from tests.harness import SlackHarness


def runtime(sessions: sessionmaker[Session]) -> Runtime:
    return Runtime(sessions=sessions, defaults=WorkspaceDefaults(), clock=FakeClock())


def test_every_job_is_registered_once_with_safe_options(sessions: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    client = notifier_client(fake_slack.bot_token, fake_slack.base_url)
    scheduler = build_scheduler(runtime(sessions), SlackNotifier(client), client)
    scheduler.start(paused=True)  # jobs get their options when the scheduler takes them; paused, none runs
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"nudges", "standings", "digests", "dispatch", "homes", "heartbeat"}
        for job in jobs.values():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 60)
            assert str(job.trigger.timezone) == "UTC"
        for job_id, job in jobs.items():  # registering again under the same ids replaces, never duplicates
            scheduler.add_job(job.func, job.trigger, id=job_id, replace_existing=True)
        assert len(scheduler.get_jobs()) == len(jobs)
    finally:
        scheduler.shutdown(wait=False)


def test_cron_rules_fire_when_they_should(sessions: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    client = notifier_client(fake_slack.bot_token, fake_slack.base_url)
    table = job_table(runtime(sessions), SlackNotifier(client), client)
    at = datetime(2026, 12, 1, 8, 31, 12, tzinfo=UTC)
    fires = next_runs(table, at)
    assert fires["nudges"] == datetime(2026, 12, 1, 8, 35, tzinfo=UTC)
    assert fires["digests"] == datetime(2026, 12, 1, 8, 45, tzinfo=UTC)
    assert fires["dispatch"] == datetime(2026, 12, 1, 8, 31, 20, tzinfo=UTC)
    assert fires["homes"] == datetime(2026, 12, 1, 9, 7, tzinfo=UTC)


def test_jobs_run_plans_as_if_at_the_given_instant(
    sessions: sessionmaker[Session],
    database_url: str,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_office(sessions, team=fake_slack.team_id)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["jobs", "run", "nudges", "--plan-only", "--now", "2026-11-30T08:31:00-05:00"]) == 0
    assert "nudges: planned 3, already planned 0" in capsys.readouterr().out
    assert main(["jobs", "run", "nudges", "--plan-only", "--now", "2026-11-30T08:36:00-05:00"]) == 0
    assert "nudges: planned 0" in capsys.readouterr().out
    for name in ("Bob", "Cy", "Fay"):
        fake_slack.add_user(f"U{name.upper()}", name, "America/New_York")
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake_slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.base_url)
    assert main(["jobs", "run", "dispatch", "--now", "2026-11-30T08:37:00-05:00"]) == 0
    assert "dispatch: sent 3, skipped 0, failed 0" in capsys.readouterr().out
    assert main(["jobs", "list"]) == 0 and "nudges" in capsys.readouterr().out
    assert main(["jobs", "failures"]) == 0 and "no failed deliveries" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["jobs", "run", "nudges", "--now", "2026-11-30T08:31:00"])  # no offset: whose 08:31?


@pytest.fixture
def office_in_slack(slack: SlackHarness) -> SlackHarness:
    make_office(slack.sessions, team=slack.team_id)
    for name in ("Ann", "Dee", "Bob", "Cy", "Eve", "Fay"):
        slack.add_user(f"U{name.upper()}", name, "America/New_York")
    return slack


def test_a_nudges_quick_log_button_logs_once(office_in_slack: SlackHarness) -> None:
    slack = office_in_slack
    first = slack.click(ids.QUICK_LOG, "dials:10", user="UBOB")
    assert "Logged 10 dials for today" in first.text and list(first.buttons) == ["Undo"]
    second = slack.click(f"{ids.QUICK_LOG}:1", "meetings:1", user="UBOB")  # the second button's numbered id
    assert "Logged 1 meeting" in second.text
    assert "nothing to log" in slack.click(ids.QUICK_LOG, "bogus", user="UBOB").text
    with slack.sessions() as session:
        assert sorted(session.scalars(select(Entry.quantity))) == [1, 10]


def test_admins_set_the_schedule_and_bad_values_are_refused(office_in_slack: SlackHarness) -> None:
    slack = office_in_slack
    reply = slack.command(
        "/tally", "schedule nudges behind standings 16:30 quiet 21:00-07:00 amounts hide", user="UANN"
    )
    assert "only when behind pace" in reply.text and "standings posted at 16:30" in reply.text
    assert "isn't a time" in slack.command("/tally", "schedule standings 25:00", user="UANN").text
    assert "Only an admin" in slack.command("/tally", "schedule nudges always", user="UBOB").text
    assert "deal amounts hidden" in slack.command("/tally", "schedule", user="UBOB").text  # anyone may read it
    with slack.sessions() as session:
        stored: dict[str, Any] = session.scalars(select(Workspace.settings)).one()["schedule"]
    assert (stored["nudge_policy"], stored["standings_time"], stored["quiet_start"]) == ("behind", "16:30", "21:00")


def test_uninstalling_or_a_deactivated_person_stops_the_sending(
    office_in_slack: SlackHarness, clock: FakeClock
) -> None:
    slack = office_in_slack
    user = {"id": "UBOB", "team_id": slack.team_id, "deleted": True, "tz": "America/New_York", "profile": {}}
    assert slack.event({"type": "user_change", "user": user}).status == 200
    assert slack.event({"type": "app_uninstalled"}).status == 200
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    while datetime.now(UTC) < deadline:
        with slack.sessions() as session:
            active = session.scalars(select(Rep.active).where(Rep.display_name == "Bob")).one()
            gone = session.scalars(select(Workspace.uninstalled_at)).one()
        if not active and gone is not None:
            break
    assert not active and gone == clock()
    slack.command("/scorecard", "", user="UCY")  # someone uses Tally there again: it was reinstalled
    with slack.sessions() as session:
        assert session.scalars(select(Workspace.uninstalled_at)).one() is None
        assert session.scalars(select(Delivery)).all() == []


def test_the_cli_help_lists_the_new_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "scheduler" in out and "jobs" in out
