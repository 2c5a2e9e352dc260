"""The settings modal a rep opens from the Home tab: time zone, nudge time, work week, privacy, PTO."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import ids
from metrics.periods import WEEKDAY_NAMES
from metrics.services.preferences import OwnSettings


def build_settings_form(settings: OwnSettings) -> dict[str, Any]:
    """The modal; every field starts from the rep's current setting."""
    days = [_option(WEEKDAY_NAMES[day].capitalize(), str(day)) for day in range(7)]
    chosen = [option for option in days if option["value"] in settings.work_days]
    privacy = _option("Hide my name from teammates (they see “a teammate”)", "hide")
    return {
        "type": "modal",
        "callback_id": ids.SETTINGS_FORM,
        "title": {"type": "plain_text", "text": "Your Tally settings"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _input(
                ids.SETTING_TIMEZONE,
                "Time zone (e.g. Europe/London)",
                {"type": "plain_text_input", "initial_value": settings.timezone, "max_length": 64},
            ),
            _input(
                ids.SETTING_NUDGE,
                "Morning nudge at",
                {
                    "type": "timepicker",
                    **(
                        {"initial_time": f"{settings.nudge_time:%H:%M}"}
                        if settings.nudge_time
                        else {"initial_time": "08:30"}
                    ),
                },
            ),
            _input(
                ids.SETTING_WORK_DAYS,
                "I work on",
                {"type": "checkboxes", "options": days, **({"initial_options": chosen} if chosen else {})},
            ),
            _input(
                ids.SETTING_PRIVACY,
                "Privacy",
                {
                    "type": "checkboxes",
                    "options": [privacy],
                    **({"initial_options": [privacy]} if settings.hidden else {}),
                },
                optional=True,
            ),
            _input(ids.SETTING_PTO_FIRST, "Add PTO from", {"type": "datepicker"}, optional=True),
            _input(ids.SETTING_PTO_LAST, "PTO until (included)", {"type": "datepicker"}, optional=True),
        ],
    }


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {**element, "action_id": ids.SETTING_INPUT},
    }


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}
