"""Events a master reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from bot.events.base import Event, named


@dataclass(frozen=True)
class OfferMade(Event):
    """Remembered like a job message: edited when the offer ends (or turned into the job)."""

    kind: ClassVar[str] = "master_offer"


@dataclass(frozen=True)
class OfferWithdrawn(Event):
    """Queued before offer_closed existed; still read from old rows."""

    kind: ClassVar[str] = "master_offer_withdrawn"


@dataclass(frozen=True)
class OfferClosed(Event):
    """The offer ended: his offer messages are edited to say why (or one is sent)."""

    kind: ClassVar[str] = "offer_closed"
    reason: str = ""


@dataclass(frozen=True)
class MasterOrderCancelled(Event):
    kind: ClassVar[str] = "master_order_cancelled"


@dataclass(frozen=True)
class MasterCodeReissued(Event):
    kind: ClassVar[str] = "master_code_reissued"


@dataclass(frozen=True)
class MasterDecision(Event):
    """The desk's decision on his application."""

    kind: ClassVar[str] = "master_decision"
    master_id: int | None = None
    approved: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class MasterQuestion(Event):
    kind: ClassVar[str] = "master_question"
    master_id: int | None = None
    question: str | None = None


@dataclass(frozen=True)
class MasterBlocked(Event):
    kind: ClassVar[str] = "master_blocked"
    master_id: int | None = None
    blocked: bool = False
    reason: str | None = None  # written when blocked

    def carries(self) -> frozenset[str]:
        told = frozenset({"master_id", "blocked"})
        return told | {"reason"} if self.blocked else told


@dataclass(frozen=True)
class MasterJobBack(Event):
    """Unblocked while the job is still his: his old job messages were stubbed."""

    kind: ClassVar[str] = "master_job_back"


@dataclass(frozen=True)
class MasterStopped(Event):
    kind: ClassVar[str] = "master_stopped"


@dataclass(frozen=True)
class MasterResumed(Event):
    kind: ClassVar[str] = "master_resumed"


@dataclass(frozen=True)
class MasterRequestDecided(Event):
    """The desk's answer to his request for more time or to be released."""

    kind: ClassVar[str] = "master_request"
    request: str = named("kind")  # "extension" or "release"
    approved: bool = False
    due: datetime | None = None  # an approved extension: the new completion deadline

    def carries(self) -> frozenset[str]:
        told = frozenset({"kind", "approved"})
        return told | {"due"} if self.request == "extension" and self.approved else told


@dataclass(frozen=True)
class MasterAccepted(Event):
    """The client accepted the work."""

    kind: ClassVar[str] = "master_accepted"


@dataclass(frozen=True)
class MasterReview(Event):
    kind: ClassVar[str] = "master_review"
    stars: int = 0
    comment: str | None = None


@dataclass(frozen=True)
class MasterClaim(Event):
    kind: ClassVar[str] = "master_claim"
    text: str = ""


@dataclass(frozen=True)
class MasterPrice(Event):
    """The client's answer to his quote or extra."""

    kind: ClassVar[str] = "master_price"
    item_id: int
