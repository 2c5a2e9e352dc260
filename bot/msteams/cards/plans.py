"""The plan, the KPI card and the target replies as Adaptive Cards."""

from __future__ import annotations

from bot.lines import kpis as kpi_words
from bot.lines import plan as words
from bot.lines import targets as target_words
from bot.msteams.cards.kit import budgeted, card, facts, heading, md, text
from bot.msteams.cards.replies import Reply, from_core, plain
from metrics.deal_records import KpiCard
from metrics.services.planning import Plan
from metrics.services.suggestions import Suggestion
from metrics.services.targets import TargetView, describe


def build_plan_reply(plan: Plan) -> Reply:
    """Each stage's total and per rep per working day, then what every rate rests on."""
    body = [
        heading(md(words.title(plan))),
        text(words.remaining_text(plan), subtle=True),
        facts(words.stage_lines(plan)),
        text(md(words.basis_text(plan)), subtle=True),
        text(
            "Each step rounds up, so the plan never falls short. Managers: **plan apply** sets these as daily targets."
        ),
    ]
    fallback = words.plan_text(plan)
    return Reply(fallback, card(body, fallback=fallback))


def build_kpis_reply(kpis: KpiCard) -> Reply:
    """Eight KPI lines and the counts behind them."""
    lines = [(name, from_core(meaning)) for name, meaning in kpi_words.kpi_lines(kpis.row, kpis.audience)]
    body = [
        heading(f"KPIs · {md(kpis.title)} · {md(kpis.period_label)}"),
        facts(lines),
        text(md(kpi_words.footer_text(kpis)), subtle=True),
    ]
    if kpis.note:
        body.append(text(from_core(kpis.note), subtle=True))
    fallback = plain(kpi_words.kpis_text(kpis))
    return Reply(fallback, card(body, fallback=fallback))


def build_target_set_reply(view: TargetView) -> Reply:
    """Confirmation of a new target."""
    said = target_words.target_set_text(view)
    body = [text(f"🎯 {md(said)}"), text(target_words.PRORATION_NOTE, subtle=True)]
    return Reply(said, card(body, fallback=said))


def build_target_list_reply(views: list[TargetView], whose: str) -> Reply:
    """Every target in force for a rep (and their team)."""
    if not views:
        said = target_words.no_targets_text(whose)
        return Reply(plain(said), card([text(from_core(said))], fallback=plain(said)))
    lines = [f"• {md(describe(view))} (set by {md(view.set_by or 'Tally')})" for view in views]
    said = f"Targets for {whose}: {target_words.count_text(views)}"
    body = [text(f"**{md(said)}**"), text("\n\n".join(budgeted(lines)))]
    return Reply(said, card(body, fallback=said))


def build_suggestion_reply(suggestion: Suggestion) -> Reply:
    """A suggested weekly target from history."""
    said = target_words.suggestion_text(suggestion)
    hint = from_core(f"`{target_words.suggestion_command(suggestion)}` sets it.")
    return Reply(said, card([text(f"💡 {md(said)}"), text(hint, subtle=True)], fallback=said))
