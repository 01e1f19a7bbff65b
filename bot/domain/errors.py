"""Errors of the rules. Each carries a message key that the handlers translate for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action. `key` names the user-facing message (see bot/texts.py)."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.key)


class NotAllowed(DomainError):
    key = "error.not_allowed"


class NotFound(DomainError):
    key = "error.not_found"


class Conflict(DomainError):
    """The order moved on since the button was drawn (compare-and-set lost)."""

    key = "error.conflict"


class InvalidInput(DomainError):
    key = "error.invalid_input"
