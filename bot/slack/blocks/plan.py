"""The backward plan: from the revenue target down to today's dials."""

from __future__ import annotations

from bot.lines import plan as words
from bot.slack.blocks.kit import Message, context, escape, header, message, section
from metrics.services.planning import Plan


def build_plan_message(plan: Plan) -> Message:
    """Each stage's total and per rep per working day, then what every rate rests on."""
    blocks = [
        header(words.title(plan)),
        context(words.remaining_text(plan)),
        section("\n".join(f"*{stage}* — {detail}" for stage, detail in words.stage_lines(plan))),
        context(escape(words.basis_text(plan))),
        context(
            "Each step rounds up, so the plan never falls short. Managers: `/plan apply` sets these as daily targets."
        ),
    ]
    return message(escape(words.plan_text(plan)), blocks)
