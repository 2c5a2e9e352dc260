"""The backward plan: from the revenue target down to today's dials."""

from __future__ import annotations

from decimal import Decimal

from bot import format as fmt
from bot.slack.blocks.kit import Message, context, escape, header, message, section
from metrics.services.planning import Plan, Rate

STAGE_NAMES = {
    "deals": "deals",
    "opportunities": "opportunities",
    "meetings": "meetings",
    "conversations": "conversations",
    "dials": "dials",
}
RATE_NAMES = {
    "opportunities": "meetings → opportunities",
    "meetings": "conversations → meetings",
    "conversations": "dials → conversations",
}


def build_plan_message(plan: Plan) -> Message:
    """Each stage's total and per rep per working day, then what every rate rests on."""
    result = plan.result
    lines = []
    for stage, total in result.totals.items():
        per_day = result.per_rep_per_day.get(stage)
        if total is None:
            lines.append(f"*{STAGE_NAMES[stage].capitalize()}* — no data (see the rates below)")
        else:
            daily = f" · {per_day:,} per rep per working day" if per_day is not None else ""
            lines.append(f"*{STAGE_NAMES[stage].capitalize()}* — {total:,}{daily}")
    basis = [
        f"average deal {_rate(plan.deal_size, money=True)}",
        f"win rate {_rate(plan.win_rate)} of closed deals",
        *(f"{RATE_NAMES[key]} {_rate(rate)}" for key, rate in plan.stage_rates.items()),
    ]
    title = f"Plan · {fmt.money(plan.revenue_target)} · {plan.period.label} · {plan.scope}"
    remaining = (
        f"{fmt.money(result.revenue_remaining)} to go after {fmt.money(plan.revenue_won)} won so far · "
        f"{plan.reps} rep{'s' if plan.reps != 1 else ''} · {plan.days_left} working days left"
    )
    blocks = [
        header(title),
        context(remaining),
        section("\n".join(lines)),
        context(escape("Rates: " + "; ".join(basis))),
        context(
            "Each step rounds up, so the plan never falls short. Managers: `/plan apply` sets these as daily targets."
        ),
    ]
    text = f"{title}: " + ", ".join(f"{total:,} {stage}" for stage, total in result.totals.items() if total is not None)
    return message(escape(text), blocks)


def _rate(rate: Rate, *, money: bool = False) -> str:
    if rate.value is None:
        return f"no data ({fmt.plural(rate.observations, 'observation')}, {rate.source})"
    value = fmt.money(rate.value.quantize(Decimal(1))) if money else fmt.percent(rate.value)
    basis = "given" if rate.source == "given" else f"{fmt.plural(rate.observations, 'observation')}, {rate.source}"
    return f"{value} ({basis})"
