"""A simulated fortnight, every half hour, through the real jobs, the dispatcher, the Slack notifier and the fake
Slack: reps in New York, London and Sydney, a Sun–Thu rep in Dubai, Christmas, PTO and a mute.

What each rep should get is worked out here independently (zoneinfo and the `holidays` package, no Tally code),
then compared with what the fake Slack received and when (in simulated time).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.fake_slack import FakeSlack
from bot.slack.notifier import SlackNotifier, notifier_client
from metrics import jobs
from metrics.deal_records import DealAction, DealRequest
from metrics.dispatch import Dispatcher
from metrics.periods import PeriodKind
from metrics.records import Platform, RepContext, Role
from metrics.services import admin, deals, preferences, targets, teams, undo
from metrics.services.targets import Subject
from tests.factories import log, make_rep

START = datetime(2026, 12, 13, 0, 0, tzinfo=UTC)  # Sunday
END = datetime(2026, 12, 28, 0, 0, tzinfo=UTC)
STEP = timedelta(minutes=30)
NEW_YORK = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class Who:
    user: str
    name: str
    tz: str
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    country: str = "US"
    nudge: time = time(8, 30)


PEOPLE = {
    "Bob": Who("UBOB", "Bob", "America/New_York"),
    "Lena": Who("ULENA", "Lena", "Europe/London", nudge=time(9, 0)),
    "Sam": Who("USAM", "Sam", "Australia/Sydney", country="AU"),
    "Noor": Who("UNOOR", "Noor", "Asia/Dubai", work_days=(6, 0, 1, 2, 3)),
}
BOB_PTO = (date(2026, 12, 16), date(2026, 12, 17))
LENA_MUTED_UNTIL = datetime(2026, 12, 17, 0, 0, tzinfo=ZoneInfo("Europe/London"))


def expected_nudges() -> dict[str, list[datetime]]:
    """When each rep's nudge should be sent: their nudge time on each working day (work week, their country's
    holidays, PTO), unless muted then, at the first half-hour step from START, if still before 18:00 local."""
    found: dict[str, list[datetime]] = {}
    for who in PEOPLE.values():
        zone = ZoneInfo(who.tz)
        days_off = holidays.country_holidays(who.country, years=2026)
        first = START.astimezone(zone).date()
        for n in range(16):
            day = first + timedelta(days=n)
            if day.weekday() not in who.work_days or day in days_off:
                continue
            if who.name == "Bob" and BOB_PTO[0] <= day <= BOB_PTO[1]:
                continue
            at = max(datetime.combine(day, who.nudge, zone), START)
            at = START + -(-(at - START) // STEP) * STEP  # the first step at or after it
            muted = who.name == "Lena" and at < LENA_MUTED_UNTIL
            if at < min(END, datetime.combine(day, time(18, 0), zone)) and not muted:
                found.setdefault(who.user, []).append(at.astimezone(UTC))
    return found


def new_york(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


@pytest.fixture
def world(sessions: sessionmaker[Session], fake_slack: FakeSlack) -> dict[str, RepContext]:
    """East (channel CEAST) managed by Dee; the four reps; US holidays; Bob's PTO, Lena's mute, targets."""
    setup = START - timedelta(days=1)
    ann = make_rep(sessions, user="UANN", name="Ann", team=fake_slack.team_id, now=setup)
    people = {w.name: make_rep(sessions, user=w.user, name=w.name, tz=w.tz, team=fake_slack.team_id, now=setup)
              for w in PEOPLE.values()}  # fmt: skip
    people["Dee"] = make_rep(sessions, user="UDEE", name="Dee", team=fake_slack.team_id, now=setup)
    for name, ctx in (("Ann", ann), *people.items()):
        fake_slack.add_user(PEOPLE[name].user if name in PEOPLE else f"U{name.upper()}", name, ctx.timezone)
    with sessions.begin() as session:
        admin.setup(session, asker=ann, platform_admin=True, now=setup)
    ann = make_rep(sessions, user="UANN", name="Ann", team=fake_slack.team_id, now=setup)
    with sessions.begin() as session:
        admin.update_workspace(session, asker=ann, now=setup, timezone="America/New_York", holidays=("US", None))
        teams.create_team(session, asker=ann, name="East", channel_id="CEAST", now=setup)
        teams.add_to_team(session, asker=ann, rep_ids=[p.rep_id for p in people.values()], team_name="East", now=setup)
        admin.set_role(session, asker=ann, rep_id=people["Dee"].rep_id, role=Role.MANAGER, team_name="East", now=setup)
        preferences.update_own_settings(session, rep=people["Sam"], now=setup, holidays=("AU", None))
        preferences.update_own_settings(session, rep=people["Noor"], now=setup, work_days="01236")
        preferences.update_own_settings(session, rep=people["Lena"], now=setup, nudge_time=time(9, 0))
        preferences.add_pto(session, rep=people["Bob"], first=BOB_PTO[0], last=BOB_PTO[1], now=setup)
        preferences.mute(session, rep=people["Lena"], until=LENA_MUTED_UNTIL.astimezone(UTC), now=setup)
    dee = make_rep(sessions, user="UDEE", name="Dee", team=fake_slack.team_id, now=setup)
    with sessions.begin() as session:
        for name, amount in (("Bob", 50), ("Sam", 30)):
            targets.set_target(session, asker=dee, subject=Subject.REP, metric_key="dials", amount=Decimal(amount),
                               period_kind=PeriodKind.DAY, now=setup, rep_id=people[name].rep_id)  # fmt: skip
    return {name: make_rep(sessions, user=f"U{name.upper()}", name=name, team=fake_slack.team_id)
            for name in ("Bob", "Sam", "Dee")}  # fmt: skip


def activity(sessions: sessionmaker[Session], people: dict[str, RepContext], now: datetime) -> None:
    """What the reps log during the fortnight, at the step it happens."""
    bob = people["Bob"]
    if now.astimezone(NEW_YORK).time() == time(14, 0) and now.astimezone(NEW_YORK).date() in BOB_LOG_DAYS:
        receipt = log(sessions, bob, {"dials": 50}, now=now)
        if now.astimezone(NEW_YORK).date() == date(2026, 12, 21):  # a mistake, undone, logged again
            with sessions.begin() as session:
                undo.undo_log(session, rep=bob, batch_id=receipt.batch_id, source=Platform.SLACK, now=now)
            log(sessions, bob, {"dials": 50}, now=now)
    if now == new_york(15, 14, 30):
        with sessions.begin() as session:
            request = DealRequest(DealAction.WON, "Acme", date(2026, 12, 15), Decimal(12_000))
            deals.log_deal(session, rep=bob, request=request, source=Platform.SLACK, now=now)
    if now == datetime(2026, 12, 15, 5, 0, tzinfo=UTC):  # 16:00 in Sydney, midnight in New York: quiet hours
        log(sessions, people["Sam"], {"dials": 30}, now=now)


BOB_LOG_DAYS = {date(2026, 12, d) for d in (14, 15, 18, 21, 22, 23, 24)}


def test_a_fortnight_of_nudges_posts_digests_and_celebrations(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, world: dict[str, RepContext]
) -> None:
    notifier = SlackNotifier(notifier_client(fake_slack.bot_token, fake_slack.base_url, timeout=5))
    received: list[tuple[datetime, str, dict[str, object]]] = []  # (simulated time, channel, message)
    seen = 0
    now = START
    while now < END:
        activity(sessions, world, now)
        for name in ("nudges", "standings", "digests"):
            jobs.run(name, sessions, None, now)
        Dispatcher(sessions, notifier, clock=lambda at=now: at, owner="sim").run()
        posted = fake_slack.calls("chat.postMessage")
        received.extend((now, call.params["channel"], call.params) for call in posted[seen:] if call.status == 200)
        seen = len(posted)
        now += STEP

    nudges = {
        user: [at for at, channel, _ in received if channel == user] for user in ("UBOB", "ULENA", "USAM", "UNOOR")
    }
    assert {user: times for user, times in nudges.items() if times} == expected_nudges()
    assert not [m for _, where, m in received if where in ("UANN", "UDEE") and "Good morning" in str(m["text"])]

    channel = [(at, message) for at, where, message in received if where == "CEAST"]
    standings = [at for at, message in channel if "standings" in str(message["text"])]
    working = [d for d in range(14, 25) if date(2026, 12, d).weekday() < 5 and d != 25]
    assert standings == [new_york(d, 17) for d in working]
    digests = [at for at, message in channel if "'s week" in str(message["text"])]
    assert digests == [new_york(18, 15), new_york(24, 15)]  # Friday the 25th is Christmas: Thursday instead
    coaching = [at for at, where, message in received if where == "UDEE" and "Coaching" in str(message["blocks"])]
    assert coaching == [new_york(18, 15), new_york(24, 15)]
    assert len(fake_slack.calls("files.completeUploadExternal")) >= 2  # the digests' charts …
    assert fake_slack.uploads and all(png.startswith(b"\x89PNG\r\n") for png in fake_slack.uploads.values())

    celebrations = Counter(str(message["text"]).split(".")[0] for _, message in channel if "🎯" in str(message["text"])
                           or "🏆" in str(message["text"]) or "🔥" in str(message["text"]))  # fmt: skip
    assert celebrations["🎯 Bob hit today's dials target"] == len(BOB_LOG_DAYS)  # once a day, undo or not
    assert celebrations["🎯 Bob hit this week's dials target"] == 2
    assert celebrations["🏆 Bob won Acme — $12,000"] == 1
    assert celebrations["🔥 Bob: 5 working days in a row on target"] == 1
    sam = [at for at, message in channel if "🎯 Sam hit today's" in str(message["text"])]
    assert sam == [new_york(15, 8)]  # earned at midnight in New York; posted when the quiet hours end
    by_day = Counter((str(message["text"]), at.astimezone(NEW_YORK).date()) for at, message in channel)
    assert max(by_day.values()) == 1  # nothing posted twice
