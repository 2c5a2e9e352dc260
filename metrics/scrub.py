"""Taking a person's name and chat user ids out of text Tally wrote (audit summaries, message payloads).

Pure: no database. A name is replaced only as a whole word, in the case Tally wrote it, so forgetting "Al" leaves
"Alice" and "Albany" alone; a user id is replaced bare or as a mention (`<@U123>`, `<@U123|bob>`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MIN_LENGTH = 2  # a one-letter name would wipe every "A" out of the audit log and still identify no one


@dataclass(frozen=True)
class Scrubber:
    """Replaces each of `terms` (names, user ids) with `label`."""

    terms: tuple[str, ...]
    label: str
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kept = sorted({term for term in self.terms if len(term) >= MIN_LENGTH}, key=len, reverse=True)
        words = "|".join(re.escape(term) for term in kept)
        mentions = "|".join(re.escape(term) for term in kept if term.isalnum())
        alternatives = ([rf"<@(?:{mentions})(?:\|[^>]*)?>"] if mentions else []) + (
            [rf"(?<!\w)(?:{words})(?!\w)"] if words else []
        )
        object.__setattr__(self, "_pattern", re.compile("|".join(alternatives)) if alternatives else None)

    @property
    def searched(self) -> tuple[str, ...]:
        """Substrings to find rows that may need scrubbing, as plain text and as JSON stores it (non-ASCII
        letters escaped), so a SQL LIKE can narrow the rows before Python rewrites them."""
        found: dict[str, None] = {}
        for term in self.terms:
            if len(term) >= MIN_LENGTH:
                found[term] = None
                found[json.dumps(term)[1:-1]] = None
        return tuple(found)

    def text(self, value: str) -> str:
        """`value` with every term replaced."""
        return value if self._pattern is None else self._pattern.sub(self.label, value)

    def data(self, value: Any) -> Any:
        """A JSON value (dicts, lists, strings…) with every string, keys included, scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(key)): self.data(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value


def scrubber(names: Iterable[str], user_ids: Iterable[str], label: str) -> Scrubber:
    """A Scrubber for one person."""
    return Scrubber(tuple(names) + tuple(user_ids), label)
