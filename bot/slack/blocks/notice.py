"""A neutral `metrics.notify.Message` (a nudge, a standings post, a celebration, a digest) as Block Kit."""

from __future__ import annotations

from bot.slack.blocks.kit import Block, Message, actions, button, context, escape, header, message, packed_sections
from metrics.notify import Message as Notice

MAX_SECTION_BLOCKS = 40  # of Slack's 50 per message: room for the header, buttons and note


def build_notice(notice: Notice) -> Message:
    """Header, one packed run of sections per part (heading in bold), buttons, small print; the text fallback."""
    blocks: list[Block] = [header(notice.title)]
    budget = MAX_SECTION_BLOCKS
    for part in notice.sections:
        lines = [escape(line) for line in part.lines]
        if part.heading:
            lines.insert(0, f"*{escape(part.heading)}*")
        packed = packed_sections(lines, max_blocks=max(1, budget))
        blocks.extend(packed)
        budget -= len(packed)
        if budget <= 0:
            break
    if notice.actions:
        blocks.append(actions(*(button(a.label, _action_id(notice, n), a.value) for n, a in enumerate(notice.actions))))
    if notice.note:
        blocks.append(context(escape(notice.note)))
    return message(escape(notice.text)[:3000], blocks)


def _action_id(notice: Notice, index: int) -> str:
    """The action's name; numbered from its second use, as action ids must be unique within a block."""
    action = notice.actions[index].action
    earlier = sum(1 for a in notice.actions[:index] if a.action == action)
    return action if earlier == 0 else f"{action}:{earlier}"
