"""Events the desk reads in its group (in the order's topic when there is one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from bot.events.base import Event, opt

_ON_SITE = frozenset({"note", "minutes", "located", "distance"})
_VISIT = frozenset({"note", "by", "at"})
_ASK = frozenset({"note", "reason"})
# The facts each note carries besides its name (the others: none).
NOTE_FACTS = {"on_site": _ON_SITE, "on_site_outside": _ON_SITE, "visit_proposed": _VISIT,
              "visit_moved": _VISIT, "visit_declined": _VISIT, "ask_extension": _ASK,
              "ask_release": _ASK, "claim": frozenset({"note", "text"}),
              "offered": frozenset({"note", "master", "auto", "expires"})}


@dataclass(frozen=True)
class DeskNote(Event):
    """A line in the order's topic: what happened (`note`), with the facts some notes need
    (NOTE_FACTS)."""

    kind: ClassVar[str] = "desk_note"
    note: str
    minutes: int = 0  # on_site: minutes from the agreed time
    located: bool = False  # on_site: a location was shared
    distance: int | None = None  # on_site: metres from the client's point
    by: str | None = None  # visit_*: the side that proposed
    at: datetime | None = None  # visit_*: the proposed time
    reason: str = ""  # ask_*: the reason code
    text: str = ""  # claim: the client's words
    master: str = ""  # offered: to whom
    auto: bool = False  # offered: by Auto
    expires: datetime | None = None  # offered: until when

    def carries(self) -> frozenset[str]:
        return NOTE_FACTS.get(self.note, frozenset({"note"}))


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
