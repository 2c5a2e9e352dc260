"""The /tally grammar: setup, teams, roles, weights, settings, PTO, mute, privacy, export and forget.

Mentions and channels are taken out by the front end (it passes whether there were any); this reads the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from metrics.errors import UsageError
from metrics.periods import WEEKDAY_NAMES, is_valid_zone, local_midnight, zone
from metrics.records import Role
from metrics.services.exports import ExportFormat, ExportKind

TALLY_USAGE = "Try `/tally help` for every command."
_DAYS = {name[:3]: index for index, name in enumerate(WEEKDAY_NAMES)}
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class TallyCommand:
    """A parsed /tally command: what to do, and its typed arguments."""

    action: str
    name: str | None = None  # team name, metric key, or role
    text: str | None = None
    weights: dict[str, Decimal] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    first: date | None = None
    last: date | None = None
    number: int | None = None
    until: datetime | None = None
    flag: bool = False


def parse_tally(text: str, *, today: date, now: datetime, tz: str) -> TallyCommand:
    """Read /tally's words.

    Raises:
        UsageError: words Tally does not know, with a hint.
    """
    words = " ".join(text.split())
    head, _, rest = words.partition(" ")
    head = head.lower()
    if head in ("", "help", "?", "commands"):
        return TallyCommand("help")
    if head in ("setup", "audit", "teams", "unmute"):
        return TallyCommand(head)
    parsers = {"team": _team, "role": _role, "weights": _weights, "visibility": _visibility, "settings": _settings,
               "me": _me, "pto": _pto, "mute": _mute, "privacy": _privacy, "schedule": _schedule,
               "export": _export, "forget": _forget}  # fmt: skip
    if head not in parsers:
        _refuse(f"I don't know `/tally {head[:30]}`.")
    return parsers[head](rest, today=today, now=now, tz=tz)


def _team(rest: str, **_context: object) -> TallyCommand:
    verb, _, name = rest.partition(" ")
    verb = verb.lower()
    if verb == "create":
        return TallyCommand(
            "team create",
            name=name.strip() or _refuse("Name the team: `/tally team create Inside Sales #sales-floor`."),
        )
    if verb == "add":
        target = name.strip()
        return TallyCommand(
            "team add", name=target[3:].strip() if target.lower().startswith("to ") else (target or None)
        )
    if verb in ("list", ""):
        return TallyCommand("teams")
    _refuse("Try `/tally team create NAME #channel`, `/tally team add @bob @carol [to NAME]` or `/tally teams`.")


def _role(rest: str, **_context: object) -> TallyCommand:
    role, _, team = rest.strip().partition(" ")
    if role.lower() not in {r.value for r in Role}:
        _refuse("Roles are rep, manager and admin: `/tally role @dana manager [of Inside Sales]`.")
    team = team.strip()
    return TallyCommand("role", name=role.lower(), text=team[3:].strip() if team.lower().startswith("of ") else None)


def _weights(rest: str, **_context: object) -> TallyCommand:
    weights: dict[str, Decimal] = {}
    for pair in rest.split():
        key, _, value = pair.partition("=")
        try:
            weights[key.lower().replace(" ", "_")] = Decimal(value)
        except InvalidOperation:
            _refuse(f"Write weights as metric=number, e.g. `/tally weights meetings=10` (not “{pair[:30]}”).")
    if not weights:
        _refuse("Which weights? e.g. `/tally weights meetings=10 opportunities=15`.")
    return TallyCommand("weights", weights=weights)


def _visibility(rest: str, **_context: object) -> TallyCommand:
    parts = rest.lower().split()
    if len(parts) != 2 or parts[1] not in ("everyone", "managers"):
        _refuse("Try `/tally visibility meetings managers` (or `everyone`).")
    return TallyCommand("visibility", name=parts[0], flag=parts[1] == "managers")


def _settings(rest: str, **_context: object) -> TallyCommand:
    return TallyCommand(
        "settings", settings=_pairs(rest, ("timezone", "workweek", "holidays", "weekstart", "backdate"))
    )


def _schedule(rest: str, **_context: object) -> TallyCommand:
    """`schedule` shows it; `schedule nudges behind standings 17:00` changes it (values checked by the service)."""
    tokens = rest.split()
    if len(tokens) % 2:
        _refuse("Give the schedule as name value pairs, e.g. `/tally schedule standings 17:00 nudges behind`.")
    pairs = zip(tokens[::2], tokens[1::2], strict=True)
    return TallyCommand("schedule", settings={name.lower(): value for name, value in pairs})


def _me(rest: str, **_context: object) -> TallyCommand:
    return TallyCommand("me", settings=_pairs(rest, ("timezone", "workweek", "holidays", "nudge")))


def _pairs(rest: str, allowed: tuple[str, ...]) -> dict[str, object]:
    tokens = rest.split()
    if not tokens or len(tokens) % 2:
        _refuse(f"Give settings as name value pairs; names: {', '.join(allowed)}.")
    settings: dict[str, object] = {}
    for name, value in zip(tokens[::2], tokens[1::2], strict=True):
        name = name.lower()
        if name not in allowed:
            _refuse(f"I can't set “{name[:30]}”; settings are {', '.join(allowed)}.")
        settings[name] = _setting(name, value)
    return settings


def _setting(name: str, value: str) -> object:
    if name == "timezone":
        return value if is_valid_zone(value) else _refuse(f"“{value[:40]}” isn't a time zone; use e.g. Europe/London.")
    if name == "workweek":
        return work_days(value)
    if name == "holidays":
        if value.lower() in ("none", "off"):
            return (None, None)
        country, _, subdivision = value.partition("-")
        return (country.upper(), subdivision.upper() or None)
    if name == "weekstart":
        return (
            _DAYS.get(value.lower()[:3]) if value.lower()[:3] in _DAYS else _refuse(f"“{value[:20]}” isn't a weekday.")
        )
    if name == "nudge":
        match = _CLOCK.match(value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            _refuse("Give the nudge time as HH:MM, e.g. `/tally me nudge 08:30`.")
        return time(int(match.group(1)), int(match.group(2)))
    if not value.isdigit() or int(value) > 366:
        _refuse("backdate is a number of days from 0 to 366.")
    return int(value)


def work_days(value: str) -> str:
    """ "mon-fri" → "01234"; "sun-thu" → "01236" (wrapping); "mon,wed,fri" → "024"."""
    chosen: set[int] = set()
    for part in value.lower().split(","):
        start, _, end = part.partition("-")
        if start[:3] not in _DAYS or (end and end[:3] not in _DAYS):
            _refuse(f"“{value[:30]}” isn't a work week; write e.g. mon-fri, sun-thu or mon,tue,thu.")
        first, last = _DAYS[start[:3]], _DAYS[(end or start)[:3]]
        span = (last - first) % 7
        chosen.update((first + offset) % 7 for offset in range(span + 1))
    return "".join(str(day) for day in sorted(chosen))


def _pto(rest: str, *, today: date, **_context: object) -> TallyCommand:
    words = rest.strip().lower()
    if words in ("", "list"):
        return TallyCommand("pto list")
    if words.startswith("cancel"):
        number = words.removeprefix("cancel").strip().lstrip("#")
        if number and not number.isdigit():
            _refuse(
                "Cancel PTO by its number from `/tally pto list` (e.g. `/tally pto cancel 12`), "
                "or all with `/tally pto cancel`."
            )
        return TallyCommand("pto cancel", number=int(number) if number else None)
    first_text, _, last_text = words.partition("..")
    first = _day(first_text.strip(), today)
    return TallyCommand("pto", first=first, last=_day(last_text.strip(), today) if last_text else first)


def _mute(rest: str, *, today: date, now: datetime, tz: str) -> TallyCommand:
    words = rest.strip().lower().removeprefix("until ").strip()
    match = re.match(r"^(\d{1,3})\s*days?$", words)
    if match:
        return TallyCommand("mute", until=now + timedelta(days=int(match.group(1))))
    if words in _DAYS or (words[:3] in _DAYS and words in WEEKDAY_NAMES):
        target = _DAYS[words[:3]]
        ahead = (target - today.weekday()) % 7 or 7
        return TallyCommand("mute", until=local_midnight(today + timedelta(days=ahead), zone(tz)))
    if words == "tomorrow":
        return TallyCommand("mute", until=local_midnight(today + timedelta(days=1), zone(tz)))
    if _ISO.match(words):
        return TallyCommand("mute", until=local_midnight(_day(words, today), zone(tz)))
    _refuse("Try `/tally mute until monday`, `/tally mute 3 days`, `/tally mute until 2026-12-01` or `/tally unmute`.")


def _privacy(rest: str, **_context: object) -> TallyCommand:
    word = rest.strip().lower()
    if word not in ("hide", "show"):
        _refuse("Try `/tally privacy hide` (others see you as “a teammate”) or `/tally privacy show`.")
    return TallyCommand("privacy", flag=word == "hide")


EXPORT_USAGE = "Try `/tally export entries` (or `deals`, `targets`, `audit`; add `json` for JSON instead of CSV)."
FORGET_USAGE = "Mention the one person to forget: `/tally forget @bob`."


def _export(rest: str, **_context: object) -> TallyCommand:
    """`export KIND [csv|json]`: KIND in name, the format in text."""
    words = rest.lower().split()
    kinds, formats = {kind.value for kind in ExportKind}, {fmt.value for fmt in ExportFormat}
    if not words or words[0] not in kinds or len(words) > 2 or not set(words[1:]) <= formats:
        raise UsageError(
            f"I can't export “{rest.strip()[:40]}”." if rest.strip() else "Export what?", usage=EXPORT_USAGE
        )
    return TallyCommand("export", name=words[0], text=words[1] if len(words) == 2 else ExportFormat.CSV.value)


def _forget(rest: str, **_context: object) -> TallyCommand:
    """`forget @rep`: the mention is taken out by the front end, so nothing else may be left."""
    if rest.strip():
        raise UsageError(f"I can't read “{rest.strip()[:40]}” here.", usage=FORGET_USAGE)
    return TallyCommand("forget")


def _day(text: str, today: date) -> date:
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if not _ISO.match(text):
        _refuse(f"“{text[:30]}” isn't a date; use YYYY-MM-DD, e.g. `/tally pto 2026-12-24..2026-12-31`.")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        _refuse(f"“{text[:30]}” isn't a real date.")


def _refuse(message: str) -> NoReturn:
    raise UsageError(message, usage=TALLY_USAGE)
