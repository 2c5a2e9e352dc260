"""The /kpis grammar: `[period] [me|team|everyone]`, or a mentioned person (each front end finds mentions its own
way and says whether there was one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.period_grammar import PERIOD_USAGE, parse_period
from metrics.deal_records import Audience
from metrics.errors import UsageError
from metrics.periods import Period

KPIS_USAGE = "Try `/kpis`, `/kpis last quarter`, `/kpis team 2026-Q3`, `/kpis everyone year` or `/kpis @alice month`."
_AUDIENCE_WORDS = {
    "me": Audience.ME,
    "mine": Audience.ME,
    "my": Audience.ME,
    "team": Audience.TEAM,
    "my team": Audience.TEAM,
    "everyone": Audience.EVERYONE,
    "company": Audience.EVERYONE,
    "workspace": Audience.EVERYONE,
    "all reps": Audience.EVERYONE,
}


@dataclass(frozen=True, slots=True)
class KpisRequest:
    """Whose KPIs, over which period."""

    audience: Audience
    period: Period


def parse_kpis(text: str, *, today: date, week_start: int, mentioned: bool = False) -> KpisRequest:
    """Read the words of /kpis (with any mention already taken out); the default is the asker, this quarter.

    Raises:
        UsageError: an unknown period, or a mention together with `team`/`everyone`.
    """
    words = " ".join(text.lower().split())
    audience = Audience.REP if mentioned else Audience.ME
    for phrase in sorted(_AUDIENCE_WORDS, key=len, reverse=True):
        if words == phrase or words.startswith(phrase + " ") or words.endswith(" " + phrase):
            if mentioned and _AUDIENCE_WORDS[phrase] is not Audience.ME:
                raise UsageError("Ask for one person or for a team, not both.", usage=KPIS_USAGE)
            audience = audience if mentioned else _AUDIENCE_WORDS[phrase]
            words = words.removeprefix(phrase).removesuffix(phrase).strip()
            break
    try:
        period = parse_period(words, today=today, week_start=week_start)
    except UsageError as error:
        raise UsageError(error.user_message, usage=f"{KPIS_USAGE} {PERIOD_USAGE}") from None
    return KpisRequest(audience=audience, period=period)
