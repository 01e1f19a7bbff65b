"""Events the client reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from bot.events.base import Event


@dataclass(frozen=True)
class ClientRejected(Event):
    kind: ClassVar[str] = "client_rejected"
    reason: str | None = ""


@dataclass(frozen=True)
class ClientCancelled(Event):
    """The service cancelled his order."""

    kind: ClassVar[str] = "client_cancelled"
    reason: str | None = ""


@dataclass(frozen=True)
class ClientAssigned(Event):
    """The master who took the order [H, Q], as he was when he took it."""

    kind: ClassVar[str] = "client_assigned"
    photo: str | None = None
    verified: bool = True
    rating: float | None = None
    reviews: int = 0
    jobs: int = 0


@dataclass(frozen=True)
class ClientVisitSet(Event):
    kind: ClassVar[str] = "client_visit"


@dataclass(frozen=True)
class ClientArrived(Event):
    kind: ClassVar[str] = "client_arrived"


@dataclass(frozen=True)
class ClientResumed(Event):
    kind: ClassVar[str] = "client_resumed"


@dataclass(frozen=True)
class ClientRematch(Event):
    kind: ClassVar[str] = "client_rematch"


@dataclass(frozen=True)
class ClientCode(Event):
    """The completion act with the one-time code [C 二.8]."""

    kind: ClassVar[str] = "client_code"
    secret: ClassVar[frozenset[str]] = frozenset({"code"})
    code: str
    done_at: datetime | None = None


@dataclass(frozen=True)
class ClientCompleted(Event):
    kind: ClassVar[str] = "client_completed"


@dataclass(frozen=True)
class ClientQuote(Event):
    kind: ClassVar[str] = "client_quote"
    item_id: int


@dataclass(frozen=True)
class ClientExtra(Event):
    kind: ClassVar[str] = "client_extra"
    item_id: int


@dataclass(frozen=True)
class ClientBlocked(Event):
    kind: ClassVar[str] = "client_blocked"
    blocked: bool = False
    reason: str | None = None
