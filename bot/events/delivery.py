"""Rows the sender acts on itself, not by composing a message: cards, titles, files, stubs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.events.base import Event, opt


@dataclass(frozen=True)
class OrderTopicOpened(Event):
    """Open the order's topic in the desk's group and post its card."""

    kind: ClassVar[str] = "order_topic"


@dataclass(frozen=True)
class OrderCardChanged(Event):
    """Redraw the order's card (one edit for any number of pending rows)."""

    kind: ClassVar[str] = "order_card"


@dataclass(frozen=True)
class OrderTitleChanged(Event):
    """Show the order's SLA state in its topic's title."""

    kind: ClassVar[str] = "order_title"


@dataclass(frozen=True)
class MasterCardChanged(Event):
    kind: ClassVar[str] = "master_card"
    master_id: int


@dataclass(frozen=True)
class MasterDocuments(Event):
    """A master's documents for the desk [R §4], in albums."""

    kind: ClassVar[str] = "master_docs"
    master_id: int
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Album(Event):
    """Up to ten of an order's files; `job`: only for the order's master, checked again at
    delivery (he may have lost the job by then)."""

    kind: ClassVar[str] = "album"
    what: str | None = None  # "order": the client's photos; "report": the finished work
    files: tuple[str, ...] = ()
    job: bool = opt(False)


@dataclass(frozen=True)
class JobRevoked(Event):
    """The master lost the job: his messages that showed it are edited down to a stub."""

    kind: ClassVar[str] = "job_revoked"
