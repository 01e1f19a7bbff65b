"""Rows the sender acts on itself, not by composing a message: cards, titles, files, stubs."""

from __future__ import annotations

from bot.events.base import Event, opt


class OrderTopicOpened(Event, kind="order_topic"):
    """Open the order's topic in the desk's group and post its card."""


class OrderCardChanged(Event, kind="order_card"):
    """Redraw the order's card (one edit for any number of pending rows)."""


class OrderTitleChanged(Event, kind="order_title"):
    """Show the order's SLA state in its topic's title."""


class MasterCardChanged(Event, kind="master_card"):
    master_id: int


class MasterDocuments(Event, kind="master_docs"):
    """A master's documents for the desk [R §4], in albums."""

    master_id: int
    files: tuple[str, ...] = ()


class Album(Event, kind="album"):
    """Up to ten of an order's files; `job`: only for the order's master, checked again at
    delivery (he may have lost the job by then)."""

    what: str | None = None  # "order": the client's photos; "report": the finished work
    files: tuple[str, ...] = ()
    job: bool = opt(False)


class JobRevoked(Event, kind="job_revoked"):
    """The master lost the job: his messages that showed it are edited down to a stub."""

