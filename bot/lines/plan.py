"""Plan wording: each stage's total and daily share, what every rate rests on, the title and the fallback."""

from __future__ import annotations

from decimal import Decimal

from bot import format as fmt
from metrics.services.planning import Plan, Rate

RATE_NAMES = {
    "opportunities": "meetings → opportunities",
    "meetings": "conversations → meetings",
    "conversations": "dials → conversations",
}


def stage_lines(plan: Plan) -> list[tuple[str, str]]:
    """(stage, "1,200 · 12 per rep per working day") for each stage, revenue down to dials."""
    result = plan.result
    lines = []
    for stage, total in result.totals.items():
        per_day = result.per_rep_per_day.get(stage)
        if total is None:
            lines.append((stage.capitalize(), "no data (see the rates below)"))
        else:
            daily = f" · {per_day:,} per rep per working day" if per_day is not None else ""
            lines.append((stage.capitalize(), f"{total:,}{daily}"))
    return lines


def basis_text(plan: Plan) -> str:
    """ "Rates: average deal $12,000 (40 observations, history); win rate …" """
    basis = [
        f"average deal {_rate(plan.deal_size, money=True)}",
        f"win rate {_rate(plan.win_rate)} of closed deals",
        *(f"{RATE_NAMES[key]} {_rate(rate)}" for key, rate in plan.stage_rates.items()),
    ]
    return "Rates: " + "; ".join(basis)


def title(plan: Plan) -> str:
    """ "Plan · $5,000,000 · 2026 · Inside Sales" """
    return f"Plan · {fmt.money(plan.revenue_target)} · {plan.period.label} · {plan.scope}"


def remaining_text(plan: Plan) -> str:
    """What is left to win, by how many reps, in how many working days."""
    return (
        f"{fmt.money(plan.result.revenue_remaining)} to go after {fmt.money(plan.revenue_won)} won so far · "
        f"{plan.reps} rep{'s' if plan.reps != 1 else ''} · {plan.days_left} working days left"
    )


def plan_text(plan: Plan) -> str:
    """The plain-text fallback: the title and each stage's total."""
    totals = plan.result.totals.items()
    return f"{title(plan)}: " + ", ".join(f"{total:,} {stage}" for stage, total in totals if total is not None)


def _rate(rate: Rate, *, money: bool = False) -> str:
    if rate.value is None:
        return f"no data ({fmt.plural(rate.observations, 'observation')}, {rate.source})"
    value = fmt.money(rate.value.quantize(Decimal(1))) if money else fmt.percent(rate.value)
    basis = "given" if rate.source == "given" else f"{fmt.plural(rate.observations, 'observation')}, {rate.source}"
    return f"{value} ({basis})"


def applied_text(reps: int, count: int) -> str:
    """The answer to `plan apply`."""
    return f"Set {count} daily targets for {reps} rep{'s' if reps != 1 else ''}."
