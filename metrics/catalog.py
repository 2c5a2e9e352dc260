"""The default metric catalog every new workspace starts with.

Points per unit follow METRICS.md (the article's example: dial 1, email 1, conversation 3, positive conversation 5,
meeting 10, opportunity 15). Two metrics the article does not weigh get our own defaults: a social touch scores
like an email (1), and talk minutes score 0 because the conversations they belong to are already scored; counting
minutes too would reward long calls over useful ones. Admins can change weights per workspace.

`daily_cap` is a sanity cap: no single log, and no day's total, may exceed it. It catches typos ("99999999
dials") and padding without getting in the way of a genuinely big day.

The two lagging metrics, revenue and deals (won), are never logged with `/log`: their actuals come from deals.
They are in the catalog so that targets can name them (`/target @bob $120k revenue quarter`).
"""

from __future__ import annotations

from decimal import Decimal

from metrics.records import MetricSpec

LEADING = "leading"  # activity a rep logs
LAGGING = "lagging"  # outcomes that come from deals

DEFAULT_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        key="dials",
        label="dials",
        unit="dial",
        aliases=("dial", "dials", "call", "calls", "cold call", "cold calls"),
        points=Decimal(1),
        daily_cap=500,
    ),
    MetricSpec(
        key="conversations",
        label="conversations",
        unit="conversation",
        aliases=("conversation", "conversations", "convo", "convos", "conv", "convs", "connect", "connects"),
        points=Decimal(3),
        daily_cap=200,
    ),
    MetricSpec(
        key="talk_minutes",
        label="talk minutes",
        unit="talk minute",
        aliases=(
            "min",
            "mins",
            "minute",
            "minutes",
            "min talk",
            "mins talk",
            "minute talk",
            "minutes talk",
            "talk min",
            "talk mins",
            "talk minute",
            "talk minutes",
            "talk time",
            "minutes of talk",
        ),
        points=Decimal(0),
        daily_cap=900,
    ),
    MetricSpec(
        key="positive_conversations",
        label="positive conversations",
        unit="positive conversation",
        aliases=(
            "positive conversation",
            "positive conversations",
            "positive convo",
            "positive convos",
            "pos convo",
            "pos convos",
            "positive",
            "positives",
        ),
        points=Decimal(5),
        daily_cap=200,
    ),
    MetricSpec(
        key="meetings",
        label="meetings",
        unit="meeting",
        aliases=("meeting", "meetings", "mtg", "mtgs", "demo", "demos", "appointment", "appointments", "appt", "appts"),
        points=Decimal(10),
        daily_cap=40,
    ),
    MetricSpec(
        key="emails",
        label="emails",
        unit="email",
        aliases=("email", "emails", "e-mail", "e-mails"),
        points=Decimal(1),
        daily_cap=1000,
    ),
    MetricSpec(
        key="social_touches",
        label="social touches",
        unit="social touch",
        aliases=("social touch", "social touches", "social", "socials", "touch", "touches", "inmail", "inmails"),
        points=Decimal(1),
        daily_cap=500,
    ),
    MetricSpec(
        key="opportunities",
        label="opportunities",
        unit="opportunity",
        aliases=("opportunity", "opportunities", "opp", "opps", "oppty", "oppties"),
        points=Decimal(15),
        daily_cap=40,
    ),
    MetricSpec(
        key="revenue",
        label="revenue",
        unit="revenue",
        aliases=("revenue", "sales", "bookings", "won revenue"),
        points=Decimal(0),
        daily_cap=0,
        kind=LAGGING,
    ),
    MetricSpec(
        key="deals",
        label="deals won",
        unit="deal won",
        aliases=("deals", "deal", "deals won", "wins", "closed deals"),
        points=Decimal(0),
        daily_cap=0,
        kind=LAGGING,
    ),
)
LEADING_METRICS = tuple(spec for spec in DEFAULT_METRICS if spec.kind == LEADING)


def loggable(metrics: tuple[MetricSpec, ...]) -> tuple[MetricSpec, ...]:
    """The metrics a rep logs (leading ones); revenue and deals come from deals instead."""
    return tuple(spec for spec in metrics if spec.kind == LEADING)


def metric_names(metrics: tuple[MetricSpec, ...] | list[MetricSpec]) -> dict[str, str]:
    """Every name a metric goes by (key, label, unit, aliases; lower case, single spaces) → its key."""
    names: dict[str, str] = {}
    for spec in metrics:
        for phrase in (spec.key.replace("_", " "), spec.label, spec.unit, *spec.aliases):
            names.setdefault(" ".join(phrase.lower().split()), spec.key)
    return names
