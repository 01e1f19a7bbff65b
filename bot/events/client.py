"""Events the client reads."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from bot.events.base import Event


class ClientRejected(Event, kind="client_rejected"):
    reason: str | None = ""


class ClientCancelled(Event, kind="client_cancelled"):
    """The service cancelled his order."""

    reason: str | None = ""


class ClientAssigned(Event, kind="client_assigned"):
    """The master who took the order [H, Q], as he was when he took it."""

    photo: str | None = None
    verified: bool = True
    rating: float | None = None
    reviews: int = 0
    jobs: int = 0


class ClientVisitSet(Event, kind="client_visit"):
    pass


class ClientArrived(Event, kind="client_arrived"):
    pass


class ClientResumed(Event, kind="client_resumed"):
    pass


class ClientRematch(Event, kind="client_rematch"):
    pass


class ClientCode(Event, kind="client_code"):
    """The completion act with the one-time code [C 二.8]."""

    secret: ClassVar[frozenset[str]] = frozenset({"code"})
    code: str
    done_at: datetime | None = None


class ClientCompleted(Event, kind="client_completed"):
    pass


class ClientQuote(Event, kind="client_quote"):
    item_id: int


class ClientExtra(Event, kind="client_extra"):
    item_id: int


class ClientBlocked(Event, kind="client_blocked"):
    blocked: bool = False
    reason: str | None = None
