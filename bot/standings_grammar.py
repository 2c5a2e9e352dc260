"""The /standings grammar: `[score|points|METRIC] [today|week|month|quarter] [team NAME] [post]`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.period_grammar import WINDOW_WORDS
from metrics.catalog import metric_names
from metrics.errors import UsageError
from metrics.periods import PeriodKind
from metrics.records import MetricSpec

STANDINGS_USAGE = (
    "Try `/standings`, `/standings points month`, `/standings meetings week`, (managers of several teams) "
    "`/standings team Inside Sales`, or (managers) `/standings post`."
)


@dataclass(frozen=True, slots=True)
class StandingsRequest:
    """What to rank by, over which window, for which team (None: the asker's), and whether to post it."""

    ranked_by: str = "score"
    window: PeriodKind = PeriodKind.WEEK
    team_name: str | None = None
    post: bool = False


def parse_standings(text: str, metrics: Sequence[MetricSpec]) -> StandingsRequest:
    """Read /standings' words. The team name runs from `team` to the end (or to `post`).

    Raises:
        UsageError: a word that is not a metric, window or team.
    """
    words = text.split()
    post = any(word.lower() == "post" for word in words)
    words = [word for word in words if word.lower() != "post"]
    team_name = None
    lowered = [word.lower() for word in words]
    if "team" in lowered:
        at = lowered.index("team")
        team_name = " ".join(words[at + 1 :]) or None
        if team_name is None:
            raise UsageError("Which team? e.g. `/standings team Inside Sales`.", usage=STANDINGS_USAGE)
        words = words[:at]
    window = PeriodKind.WEEK
    if words and words[-1].lower() in WINDOW_WORDS:
        window = WINDOW_WORDS[words.pop().lower()]
    name = " ".join(words).lower()
    if name in ("", "score"):
        return StandingsRequest("score", window, team_name, post)
    if name == "points":
        return StandingsRequest("points", window, team_name, post)
    key = metric_names(list(metrics)).get(name)
    if key is None:
        raise UsageError(f"I can't rank by “{name[:30]}”.", usage=STANDINGS_USAGE)
    return StandingsRequest(key, window, team_name, post)
