"""Events read by more than one side: relays, visit proposals, deadlines, claim decisions and
a client's change of his order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.events.base import Event, named


class Relay(Event, kind="relay"):
    """SPEC §2.4: a message relayed between the desk and the order's client or master."""

    side: str = ""  # who wrote: "client", "master" or "desk"
    content: str | None = named("kind", None)  # "text", "photo" or "document"
    text: str | None = ""
    file_id: str | None = None
    name: str = ""  # the writer's first name (to the desk)
    to_master: bool = False  # the desk's answer goes to the master

    def carries(self) -> frozenset[str]:
        last = "to_master" if self.side == "desk" else "name"
        return frozenset({"side", "kind", "text", "file_id", last})


class VisitProposal(Event, kind="visit_proposal"):
    """To the other side: a new visit time proposed, Accept / Keep for exactly this one."""

    at: datetime
    by: str | None = None  # the side that proposed
    replaces: datetime | None = None  # the proposer's own earlier proposal


class VisitAnswer(Event, kind="visit_answer"):
    """To the proposer: the other side accepted (the visit moved) or kept the old time."""

    at: datetime
    by: str | None = None
    accepted: bool = False


class SlaFired(Event):
    """A deadline fired (bot/services/deadlines.py): which clock, when it was due, the
    promise it is about, and how late it was noticed (seconds)."""

    clock: str = named("kind")
    due: datetime | None = None
    late: int = 0
    deadline: datetime | None = None


class ClientSla(SlaFired, kind="client_sla"):
    pass


class MasterSla(SlaFired, kind="master_sla"):
    pass


class DeskSla(SlaFired, kind="desk_sla"):
    auto: bool = False  # an expired offer: Auto made it
    master: str = ""  # an expired offer: whom the order waited for

    def carries(self) -> frozenset[str]:
        fired = frozenset({"kind", "due", "late", "deadline"})
        return fired | {"auto", "master"} if self.clock == "offer" else fired


class ClaimDecided(Event):
    """The desk's decision on a warranty claim (SPEC §2.7)."""

    decision: str | None = None  # "rework", "refund" or "rejected"
    due: datetime | None = None  # rework by
    amount: int | str | None = None  # minor units; a decimal string before migration 0016
    reason: str | None = None  # a rejection's reason code


class ClientResolution(ClaimDecided, kind="client_resolution"):
    pass


class MasterResolution(ClaimDecided, kind="master_resolution"):
    pass


class OrderEdited(Event):
    """What the client changed, as it was and became at the change (bot/services/edits.py),
    so a note delivered late still says what changed then."""

    field: str | None = None  # "address", "time", or the description
    old: Any = None
    new: Any = None
    photos_old: int = 0  # a description: the number of photos before and after
    photos_new: int = 0
    accepted: bool = False  # an address: a master had already accepted the order

    def carries(self) -> frozenset[str]:
        change = frozenset({"field", "old", "new"})
        if self.field == "address":
            return change | {"accepted"}
        return change if self.field == "time" else change | {"photos_old", "photos_new"}


class DeskOrderEdited(OrderEdited, kind="desk_order_edited"):
    pass


class MasterOrderEdited(OrderEdited, kind="master_order_edited"):
    pass
