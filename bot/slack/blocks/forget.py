"""The confirmation an admin sees before Tally forgets a person, and what the form says if it cannot."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.blocks import ids
from bot.slack.blocks.kit import context, escape, section
from metrics.services.forgetting import ForgetPreview
from metrics.wording import join_words, plural


def build_forget_form(preview: ForgetPreview) -> dict[str, Any]:
    """The modal: whom, what goes, what stays. Nothing happens until Forget is pressed; Cancel sends nothing."""
    name = escape(preview.name)
    kept = join_words(
        [plural(preview.entries, "logged number"), plural(preview.deals, "deal"), plural(preview.targets, "target")]
    )
    managing = (
        f"\n• {escape(join_words(list(preview.manages)))} will have no manager until you name one."
        if preview.manages
        else ""
    )
    return {
        "type": "modal",
        "callback_id": ids.FORGET_FORM,
        "private_metadata": json.dumps({"rep_id": preview.rep_id}),
        "title": {"type": "plain_text", "text": "Forget a person"},
        "submit": {"type": "plain_text", "text": "Forget"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f":warning: *Forget {name}?*"),
            section(
                f"*What goes:* {name}'s name everywhere Tally wrote it (the audit log, past messages), their Slack "
                "account, time zone and personal settings, PTO, mute, and messages not yet sent to them."
                f"{managing}"
            ),
            section(
                f"*What stays:* their {kept}, under the name “{escape(preview.label)}”, so team totals, "
                "standings history and KPIs do not change."
            ),
            context(
                "This cannot be undone. If they use Tally again they start as a new person, unconnected to "
                f"“{escape(preview.label)}”."
            ),
        ],
    }


def build_forget_refused(reason: str) -> dict[str, Any]:
    """The modal again, saying why nothing was forgotten."""
    return {
        "type": "modal",
        "callback_id": ids.FORGET_FORM,
        "title": {"type": "plain_text", "text": "Forget a person"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [section(f":no_entry: Nothing was forgotten. {escape(reason)}")],
    }
