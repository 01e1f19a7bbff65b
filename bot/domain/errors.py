"""Errors of the rules. Each carries a message key that the handlers translate for the user."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


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


def found(value: T | None, key: str = "error.not_found") -> T:
    """`value` when there is one; else NotFound(`key`)."""
    if value is None:
        raise NotFound(key)
    return value


class Conflict(DomainError):
    """The order moved on since the button was drawn (compare-and-set lost)."""

    key = "error.conflict"


class InvalidInput(DomainError):
    key = "error.invalid_input"


class TooFast(DomainError):
    """A person writes faster than his pace allows: the message was not taken. `quiet`: he
    was already told to wait, and the notice is not repeated (it could be a flood itself)."""

    key = "error.too_fast"

    def __init__(self, seconds: int, quiet: bool) -> None:
        super().__init__(n=seconds)
        self.seconds, self.quiet = seconds, quiet
