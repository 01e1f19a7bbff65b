"""Events the desk reads in its group (in the order's topic when there is one)."""

from __future__ import annotations

from datetime import datetime

from bot.events.base import Event, opt

_ON_SITE = frozenset({"note", "minutes", "located", "distance"})
_VISIT = frozenset({"note", "by", "at"})
_ASK = frozenset({"note", "reason"})
# The facts each note carries besides its name (the others: none).
NOTE_FACTS = {"on_site": _ON_SITE, "on_site_outside": _ON_SITE, "visit_proposed": _VISIT,
              "visit_moved": _VISIT, "visit_declined": _VISIT, "ask_extension": _ASK,
              "ask_release": _ASK, "claim": frozenset({"note", "text"}),
              "offered": frozenset({"note", "master", "auto", "expires"})}


class DeskNote(Event, kind="desk_note"):
    """A line in the order's topic: what happened (`note`), with the facts some notes need
    (NOTE_FACTS)."""

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


class DeskClientCancelled(Event, kind="desk_client_cancelled"):
    reason: str | None = ""
    note: str | None = opt(None)  # "other": the client's words
    late: bool = opt(False)  # after the visit was agreed


class DeskUnreachable(Event, kind="desk_unreachable"):
    user_id: int | None = None
    name: str = ""


class DeskUndeliverable(Event, kind="desk_undeliverable"):
    row_id: int | None = None
    what: str = "?"


class DeskErased(Event, kind="desk_erased"):
    user_id: int | None = None
    master_id: int | None = None
    orders: tuple[int, ...] = ()


class DeskFilesLost(Event, kind="desk_files_lost"):
    """An album that can never go out (bot/notify/sender.py `_files_lost`)."""

    reader: str | None = None  # "desk", "client" or "master"
    what: str | None = None
    master_id: int | None = None


class DeskReview(Event, kind="desk_review"):
    stars: int = 0
    comment: str | None = None
    alert: bool = False


class DeskClientRated(Event, kind="desk_client_rated"):
    stars: int = 0
    alert: bool = False


class DeskMasterAnswer(Event, kind="desk_master_answer"):
    master_id: int | None = None
    name: str = ""
    answer: str | None = None
    files: tuple[str, ...] = ()


class DeskPrice(Event, kind="desk_price"):
    item_id: int
    event: str
