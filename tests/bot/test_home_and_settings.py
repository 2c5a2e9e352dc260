"""The App Home dashboard and the settings modal, through signed HTTP: buttons, modals, paging, errors."""

from __future__ import annotations

import json
import time as time_module
from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import select

from bot.playground.render import render_blocks
from bot.slack.blocks import ids
from metrics.models import Pto, Rep
from metrics.records import RepContext
from tests.factories import log, make_office, make_rep
from tests.harness import SlackHarness


@pytest.fixture
def office(slack: SlackHarness) -> dict[str, RepContext]:
    people = make_office(slack.sessions, team=slack.team_id)
    for name in people:
        slack.add_user(f"U{name.upper()}", name, "America/New_York")
    return people


def settings(
    tz: str = "Europe/London",
    nudge: str = "09:15",
    days: tuple[int, ...] = (0, 1, 2, 3),
    hide: bool = True,
    pto: tuple[str | None, str | None] = ("2026-12-24", "2026-12-31"),
) -> dict[str, Any]:
    """The state of the settings modal as Slack sends it."""

    def value(block: str, element: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return block, {ids.SETTING_INPUT: element}

    options = [{"value": str(day)} for day in days]
    return dict(
        [
            value(ids.SETTING_TIMEZONE, {"type": "plain_text_input", "value": tz}),
            value(ids.SETTING_NUDGE, {"type": "timepicker", "selected_time": nudge}),
            value(ids.SETTING_WORK_DAYS, {"type": "checkboxes", "selected_options": options}),
            value(ids.SETTING_PRIVACY, {"type": "checkboxes", "selected_options": [{"value": "hide"}] if hide else []}),
            value(ids.SETTING_PTO_FIRST, {"type": "datepicker", "selected_date": pto[0]}),
            value(ids.SETTING_PTO_LAST, {"type": "datepicker", "selected_date": pto[1]}),
        ]
    )


def bob(slack: SlackHarness) -> tuple[Rep, list[Pto]]:
    with slack.sessions() as session:
        rep = session.scalars(select(Rep).where(Rep.display_name == "Bob")).one()
        ptos = list(session.scalars(select(Pto).where(Pto.rep_id == rep.id, Pto.cancelled_at.is_(None))))
        session.expunge_all()
        return rep, ptos


def test_the_settings_button_opens_the_modal_with_the_current_settings(
    slack: SlackHarness, office: dict[str, RepContext]
) -> None:
    assert slack.press_in_view(ids.OPEN_SETTINGS, "", user="UBOB", trigger_id="7.7.settings").status == 200
    opened = slack.wait_for("views.open")[0].params
    assert opened["trigger_id"] == "7.7.settings" and opened["view"]["callback_id"] == ids.SETTINGS_FORM
    zone = next(b for b in opened["view"]["blocks"] if b["block_id"] == ids.SETTING_TIMEZONE)
    assert zone["element"]["initial_value"] == "America/New_York"


def test_saving_the_modal_changes_every_setting_at_once(slack: SlackHarness, office: dict[str, RepContext]) -> None:
    assert slack.submit(ids.SETTINGS_FORM, settings(), user="UBOB").body == ""
    rep, ptos = bob(slack)
    assert (rep.timezone, rep.nudge_time, rep.work_days, rep.hidden) == ("Europe/London", time(9, 15), "0123", True)
    assert [(p.first_day, p.last_day) for p in ptos] == [(date(2026, 12, 24), date(2026, 12, 31))]
    assert "Thu 24 Dec – Thu 31 Dec 2026" in slack.command("/tally", "pto list", user="UBOB").text
    assert slack.wait_for("views.publish")[0].params["user_id"] == "UBOB"  # the Home tab shows the new settings
    assert "Cy" in slack.command("/standings", "", user="UBOB").text
    assert "Bob" not in slack.command("/standings", "", user="UCY").text  # hidden from teammates


@pytest.mark.parametrize(
    ("form", "block", "says"),
    [
        (settings(tz="Mars/Olympus_Mons"), ids.SETTING_TIMEZONE, "time zone"),
        (settings(days=()), ids.SETTING_WORK_DAYS, "day"),
        (settings(pto=(None, "2026-12-31")), ids.SETTING_PTO_FIRST, "first day"),
        (settings(pto=("2026-12-31", "2026-12-24")), ids.SETTING_PTO_FIRST, "on or after"),
    ],
    ids=["unknown zone", "no work days", "PTO without a start", "PTO ending first"],
)
def test_a_bad_modal_says_so_under_its_field_and_saves_nothing(
    slack: SlackHarness, office: dict[str, RepContext], form: dict[str, Any], block: str, says: str
) -> None:
    answer = slack.submit(ids.SETTINGS_FORM, form, user="UBOB").json()
    assert answer["response_action"] == "errors" and says in answer["errors"][block].lower(), answer
    rep, ptos = bob(slack)
    assert (rep.timezone, rep.nudge_time, rep.work_days, rep.hidden, ptos) == (
        "America/New_York",
        None,
        None,
        False,
        [],
    )


def test_a_manager_pages_through_a_team_of_sixty(slack: SlackHarness, office: dict[str, RepContext]) -> None:
    people = [make_rep(slack.sessions, user=f"UREP{n:02}", name=f"Rep {n:02}", team=slack.team_id) for n in range(58)]
    mentions = " ".join(f"<@UREP{n:02}|rep{n:02}>" for n in range(58))
    assert "Added" in slack.command("/tally", f"team add {mentions} to East", user="UANN").text
    for n, rep in enumerate(people):
        log(slack.sessions, rep, {"dials": 100 - n})
    slack.event({"type": "app_home_opened", "user": "UDEE", "tab": "home", "channel": "DDEE"})
    first = slack.wait_for("views.publish")[-1].params["view"]
    assert len(first["blocks"]) <= 100 and "Rep 00" in home_text(first) and "Rep 40" not in home_text(first)
    assert slack.press_in_view(ids.HOME_PAGE_NEXT, next_page(first), user="UDEE").status == 200
    second = slack.wait_for("views.publish", count=2)[-1].params["view"]
    assert "Rep 40" in home_text(second) and "Rep 00" not in home_text(second)
    assert len(second["blocks"]) <= 100 and json.dumps(second).count("home_page_previous") == 1


def home_text(view: dict[str, Any]) -> str:
    return "\n".join(render_blocks(view["blocks"]))


def next_page(view: dict[str, Any]) -> str:
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return next(e["value"] for e in buttons if e["action_id"] == ids.HOME_PAGE_NEXT)


def test_a_profile_change_keeps_names_and_zones_in_step(slack: SlackHarness, office: dict[str, RepContext]) -> None:
    assert slack.command("/tally", "me timezone Europe/London", user="UBOB").text.startswith("✅")

    def profile_changed(name: str, tz: str) -> str | None:
        """Send Slack's event; wait for the new name to land (events are handled after the ack); the zone."""
        user = {"id": "UBOB", "team_id": slack.team_id, "tz": tz, "profile": {"display_name": name}}
        assert slack.event({"type": "user_change", "user": user}).status == 200
        return eventually(lambda: zone_of(slack, name))

    assert profile_changed("Bobby", "America/New_York") == "Europe/London"  # Slack's zone did not change
    assert profile_changed("Robert", "Asia/Tokyo") == "Asia/Tokyo"  # Bob flew to Tokyo and Slack followed


def zone_of(slack: SlackHarness, name: str) -> str | None:
    with slack.sessions() as session:
        return session.scalars(select(Rep.timezone).where(Rep.display_name == name)).one_or_none()


def eventually(read: Callable[[], str | None], timeout: float = 5.0) -> str | None:
    deadline = time_module.monotonic() + timeout
    while (value := read()) is None and time_module.monotonic() < deadline:
        time_module.sleep(0.02)
    return value
