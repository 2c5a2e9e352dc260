"""KPI cards for chat: the eight KPIs for the asker, another rep (managers and admins), their team or everyone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from metrics import report_queries
from metrics.deal_records import Audience, DealTotals, KpiCard
from metrics.kpis import churn_rate
from metrics.models import Team, Workspace
from metrics.periods import Period
from metrics.records import RepContext
from metrics.services import access
from metrics.services.reports import kpi_row

EVERYONE = report_queries.Group("everyone")


def kpi_card(
    session: Session,
    *,
    asker: RepContext,
    audience: Audience,
    period: Period,
    now: datetime,
    rep_id: int | None = None,
) -> KpiCard:
    """The card for `audience` (with `rep_id` for Audience.REP), as of `now` in the asker's zone.

    Raises:
        NotAllowed: a rep asking for another rep's card (managers and admins may).
        UnknownRep: `rep_id` is not a person of the asker's workspace.
    """
    as_of = min(period.last_day, asker.today(now))
    if audience is Audience.TEAM and asker.team_id is None:
        card = kpi_card(session, asker=asker, audience=Audience.EVERYONE, period=period, now=now)
        return replace(card, note="You are not in a team yet, so this is everyone.")
    if audience in (Audience.ME, Audience.REP):
        return _rep_card(session, asker, rep_id if audience is Audience.REP else asker.rep_id, period, as_of)
    team_id = asker.team_id if audience is Audience.TEAM else None
    totals = report_queries.deal_totals(session, asker.workspace_id, period, None, as_of, team_id=team_id)
    row = kpi_row("", totals.get(EVERYONE, DealTotals()))
    if audience is Audience.EVERYONE:
        customers, churned, subscription_arr = report_queries.subscription_figures(
            session, asker.workspace_id, period, as_of
        )
        row = replace(row, churn_rate=churn_rate(churned, customers), subscription_arr=subscription_arr or None)
        title = session.get_one(Workspace, asker.workspace_id).name or "Everyone"
    else:
        title = session.get_one(Team, team_id).name
    return KpiCard(title=title, audience=audience, period_label=period.label, row=replace(row, label=title))


def _rep_card(session: Session, asker: RepContext, rep_id: int | None, period: Period, as_of: date) -> KpiCard:
    rep = access.require_view_rep(session, asker, asker.rep_id if rep_id is None else rep_id, "KPIs")
    totals = report_queries.deal_totals(session, asker.workspace_id, period, None, as_of, owner_rep_id=rep.id)
    audience = Audience.ME if rep.id == asker.rep_id else Audience.REP
    row = kpi_row(rep.display_name, totals.get(EVERYONE, DealTotals()))
    return KpiCard(title=rep.display_name, audience=audience, period_label=period.label, row=row)
