"""Two workspaces' worth of history, written through Tally's own services, for the `tally db copy` tests.

Each workspace has an admin, two teams with managers (team ↔ rep foreign keys both ways), ten days of logs with
tags, undone logs (ledger reversal rows), deals with cents opened, won, lost and undone (deal changes and their
reversals), targets of every kind (Decimal amounts, a stretch goal, a team target), a ramp, PTO (one cancelled), a
mute, a hidden rep, subscriptions (one churned), the audit trail all of that leaves, and the deliveries the
scheduled jobs plan and send (JSON payloads, sent and pending). Both were installed through slack_sdk's OAuth
stores (installation and bot rows keyed by Slack's team id; a pending OAuth state belongs to neither).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.fake_slack import FakeSlack
from bot.slack.notifier import SlackNotifier, notifier_client
from metrics import jobs
from metrics.deal_records import DealAction, DealRequest
from metrics.imports.rows import SubscriptionRow
from metrics.models import Workspace
from metrics.periods import PeriodKind
from metrics.records import Platform, RepContext
from metrics.services import deals, imports, preferences, targets, undo
from metrics.services.targets import Subject
from tests.factories import T0, log, make_office

D = Decimal
COPIED, OTHER = "T0COPIED", "T0OTHER"
FRIDAY_0831 = datetime(2026, 11, 27, 13, 31, tzinfo=UTC)  # 08:31 in New York, the morning after T0


def build_two_workspaces(sessions: sessionmaker[Session], fake: FakeSlack) -> dict[str, dict[str, RepContext]]:
    """Both workspaces' histories, then the scheduled jobs over both; returns each workspace's people."""
    offices = {team: build_history(sessions, team, spread=index) for index, team in enumerate((COPIED, OTHER))}
    with sessions.begin() as session:
        session.execute(update(Workspace).where(Workspace.external_id == COPIED).values(name="Acme Sales"))
    for name in offices[COPIED]:
        fake.add_user(f"U{name.upper()}", name, "America/New_York")
    engine = sessions.kw["bind"]
    for team in (COPIED, OTHER):
        installations(engine).save(installation(team))
    SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine).issue()
    notifier = SlackNotifier(notifier_client(fake.bot_token, fake.base_url, timeout=5))
    jobs.run("nudges", sessions, notifier, FRIDAY_0831)  # sent (message ids recorded), or skipped
    jobs.run("standings", sessions, None, FRIDAY_0831 + timedelta(hours=9))  # planned, not sent: pending
    return offices


def installations(engine: Engine) -> SQLAlchemyInstallationStore:
    """slack_sdk's store on `engine`, its tables made if the migrations have not made them (checkfirst)."""
    store = SQLAlchemyInstallationStore(client_id="C1", engine=engine)
    store.create_tables()
    SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine).create_tables()
    return store


def installation(team: str | None) -> Installation:
    """An install of the app in `team`, or (None) an org-wide Enterprise Grid install."""
    return Installation(
        app_id="A1",
        enterprise_id="E1",
        team_id=team,
        user_id="UINSTALLER",
        bot_token=f"xoxb-{team}",
        bot_id="B1",
        bot_user_id="UBOT",
        bot_scopes=["commands", "chat:write"],
        is_enterprise_install=team is None,
        installed_at=1795730619.25,
    )


def build_history(sessions: sessionmaker[Session], team: str, *, spread: int = 0) -> dict[str, RepContext]:
    """One workspace's history (`spread` varies the numbers, so the two workspaces differ)."""
    people = make_office(sessions, team=team)
    _activity(sessions, people, spread)
    _deals(sessions, people, spread)
    _targets(sessions, people, spread)
    _people(sessions, people)
    _subscriptions(sessions, people["Ann"].workspace_id, spread)
    return people


def _activity(sessions: sessionmaker[Session], people: dict[str, RepContext], spread: int) -> None:
    bob, cy, fay = people["Bob"], people["Cy"], people["Fay"]
    for days_ago in range(10):
        day = bob.today(T0) - timedelta(days=days_ago)
        tags = ("#webinar",) if days_ago % 3 == 0 else ()
        log(sessions, bob, {"dials": 40 + days_ago + spread, "conversations": 5}, day=day, tags=tags)
        log(sessions, cy, {"dials": 30, "meetings": 2 + spread}, day=day)
        log(sessions, fay, {"emails": 25, "meetings": 1 + days_ago % 2, "talk_minutes": 45}, day=day)
    for rep in (bob, cy):
        mistake = log(sessions, rep, {"dials": 99})
        with sessions.begin() as session:
            undo.undo_log(session, rep=rep, batch_id=mistake.batch_id, source=Platform.SLACK, now=T0)


def _deals(sessions: sessionmaker[Session], people: dict[str, RepContext], spread: int) -> None:
    bob, cy = people["Bob"], people["Cy"]
    steps = (
        (bob, DealAction.OPEN, "Acme Corp", D("30000.50") + spread, None, 20),
        (bob, DealAction.WON, "acme corp", None, D("9000.25"), 2),
        (bob, DealAction.WON, "Globex", D("12000.10"), D("4000"), 1),
        (cy, DealAction.OPEN, "Initech", D("8000"), None, 15),
        (cy, DealAction.LOST, "Initech", None, None, 3),
        (cy, DealAction.OPEN, "Umbrella", D("0.99"), None, 0),
    )
    for rep, action, account, amount, cost, days_ago in steps:
        request = DealRequest(action, account, rep.today(T0) - timedelta(days=days_ago), amount, cost)
        with sessions.begin() as session:
            deals.log_deal(session, rep=rep, request=request, source=Platform.SLACK, now=T0)
    with sessions.begin() as session:  # the Umbrella opportunity was a typo
        undo.undo_last(session, rep=cy, source=Platform.SLACK, now=T0)


def _targets(sessions: sessionmaker[Session], people: dict[str, RepContext], spread: int) -> None:
    dee, bob, cy = people["Dee"], people["Bob"], people["Cy"]
    wanted = (
        (dee, Subject.REP, "dials", D(45 + spread), PeriodKind.DAY, bob.rep_id, None),
        (dee, Subject.REP, "meetings", D(2), PeriodKind.DAY, cy.rep_id, None),
        (dee, Subject.REP, "revenue", D("120000.5"), PeriodKind.QUARTER, bob.rep_id, None),
        (dee, Subject.TEAM, "meetings", D(20), PeriodKind.WEEK, None, "East"),
        (cy, Subject.ME, "dials", D(35), PeriodKind.DAY, None, None),
    )
    with sessions.begin() as session:
        for asker, subject, metric, amount, period, rep_id, team_name in wanted:
            targets.set_target(
                session,
                asker=asker,
                subject=subject,
                metric_key=metric,
                amount=amount,
                period_kind=period,
                now=T0,
                rep_id=rep_id,
                team_name=team_name,
            )
        targets.set_ramp(
            session, asker=people["Eve"], rep_id=people["Fay"].rep_id, percent=D("0.5"), until=date(2027, 1, 31), now=T0
        )


def _people(sessions: sessionmaker[Session], people: dict[str, RepContext]) -> None:
    cy, fay = people["Cy"], people["Fay"]
    with sessions.begin() as session:
        preferences.add_pto(session, rep=cy, first=date(2026, 11, 24), last=date(2026, 11, 24), now=T0)
        preferences.add_pto(session, rep=cy, first=date(2026, 12, 24), last=date(2026, 12, 31), now=T0)
        preferences.add_pto(session, rep=fay, first=date(2026, 12, 7), last=date(2026, 12, 8), now=T0)
        preferences.cancel_pto(session, rep=fay, number=None, now=T0)
        preferences.mute(session, rep=fay, until=T0 + timedelta(days=3, microseconds=250), now=T0)
        preferences.set_privacy(session, rep=cy, hidden=True, now=T0)


def _subscriptions(sessions: sessionmaker[Session], workspace_id: int, spread: int) -> None:
    rows = [
        SubscriptionRow(1, "S-1", "Acme Corp", date(2026, 1, 1), None, D("1250.75") + spread, None, False, None),
        SubscriptionRow(2, "S-2", "Globex", date(2025, 6, 1), date(2026, 9, 30), D("400"), D("4800"), True, None),
        SubscriptionRow(3, None, "Hooli", date(2026, 3, 15), None, D("99.99"), None, False, None),
    ]
    with sessions.begin() as session:
        imports.import_subscriptions(session, workspace_id=workspace_id, rows=rows, problems=[], now=T0)
