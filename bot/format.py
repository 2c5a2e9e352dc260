"""Number, day and list wording for the front ends: the same words the scheduled messages use (metrics.wording)."""

from metrics.wording import day, join_words, money, percent, plural, points, quantity, relative_day, target, whole_money

__all__ = [
    "day",
    "join_words",
    "money",
    "percent",
    "plural",
    "points",
    "quantity",
    "relative_day",
    "target",
    "whole_money",
]
