"""Events the desk reads in its group (in the order's topic when there is one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from bot.events.base import Event, opt


@dataclass(frozen=True)
class DeskNote(Event):
    """A line in the order's topic: what happened (`note`), with the facts some notes need."""

    kind: ClassVar[str] = "desk_note"
    note: str
    minutes: int = opt(0)  # on_site: minutes from the agreed time
    located: bool = opt(False)  # on_site: a location was shared
    distance: int | None = opt(None)  # on_site: metres from the client's point
    by: str | None = opt(None)  # visit_*: the side that proposed
    at: datetime | None = opt(None)  # visit_*: the proposed time
    reason: str = opt("")  # ask_*: the reason code
    text: str = opt("")  # claim: the client's words
    master: str = opt("")  # offered: to whom
    auto: bool = opt(False)  # offered: by Auto
    expires: datetime | None = opt(None)  # offered: until when


@dataclass(frozen=True)
class DeskClientCancelled(Event):
    kind: ClassVar[str] = "desk_client_cancelled"
    reason: str | None = ""
    note: str | None = opt(None)  # "other": the client's words
    late: bool = opt(False)  # after the visit was agreed


@dataclass(frozen=True)
class DeskUnreachable(Event):
    kind: ClassVar[str] = "desk_unreachable"
    user_id: int | None = None
    name: str = ""


@dataclass(frozen=True)
class DeskUndeliverable(Event):
    kind: ClassVar[str] = "desk_undeliverable"
    row_id: int | None = None
    what: str = "?"


@dataclass(frozen=True)
class DeskErased(Event):
    kind: ClassVar[str] = "desk_erased"
    user_id: int | None = None
    master_id: int | None = None
    orders: tuple[int, ...] = ()


@dataclass(frozen=True)
class DeskFilesLost(Event):
    """An album that can never go out (bot/notify/sender.py `_files_lost`)."""

    kind: ClassVar[str] = "desk_files_lost"
    reader: str | None = None  # "desk", "client" or "master"
    what: str | None = None
    master_id: int | None = None


@dataclass(frozen=True)
class DeskReview(Event):
    kind: ClassVar[str] = "desk_review"
    stars: int = 0
    comment: str | None = None
    alert: bool = False


@dataclass(frozen=True)
class DeskClientRated(Event):
    kind: ClassVar[str] = "desk_client_rated"
    stars: int = 0
    alert: bool = False


@dataclass(frozen=True)
class DeskMasterAnswer(Event):
    kind: ClassVar[str] = "desk_master_answer"
    master_id: int | None = None
    name: str = ""
    answer: str | None = None
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeskPrice(Event):
    kind: ClassVar[str] = "desk_price"
    item_id: int
    event: str
