"""Errors the core raises, each carrying a message a user can read as it is.

Front ends show `user_message` verbatim (after escaping), so it must be short, friendly and free of internals.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error whose message is safe and useful to show the person who asked."""

    def __init__(self, user_message: str, *, usage: str | None = None, field: str | None = None) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.usage = usage
        # Which input the problem is in ("day", or a metric key), so a form can mark that field.
        self.field = field


class UsageError(DomainError):
    """The request could not be read: the text does not follow the command's grammar."""


class InvalidActivity(DomainError):
    """The request was readable but breaks a rule: a future day, too far back, over a metric's cap."""


class UnknownLog(DomainError):
    """An undo or correction named a log that does not exist or is not the asker's."""


class UnknownRep(DomainError):
    """A person was named who is not known in this workspace."""


class NotAllowed(DomainError):
    """The asker's role does not let them see or change this."""
