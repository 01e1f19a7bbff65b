"""Events a master reads."""

from __future__ import annotations

from datetime import datetime

from bot.events.base import Event, named


class OfferMade(Event, kind="master_offer"):
    """Remembered like a job message: edited when the offer ends (or turned into the job)."""


class OfferWithdrawn(Event, kind="master_offer_withdrawn"):
    """Queued before offer_closed existed; still read from old rows."""


class OfferClosed(Event, kind="offer_closed"):
    """The offer ended: his offer messages are edited to say why (or one is sent)."""

    reason: str = ""


class MasterOrderCancelled(Event, kind="master_order_cancelled"):
    pass


class MasterCodeReissued(Event, kind="master_code_reissued"):
    pass


class MasterDecision(Event, kind="master_decision"):
    """The desk's decision on his application."""

    master_id: int | None = None
    approved: bool = False
    reason: str | None = None


class MasterQuestion(Event, kind="master_question"):
    master_id: int | None = None
    question: str | None = None


class MasterBlocked(Event, kind="master_blocked"):
    master_id: int | None = None
    blocked: bool = False
    reason: str | None = None  # written when blocked

    def carries(self) -> frozenset[str]:
        told = frozenset({"master_id", "blocked"})
        return told | {"reason"} if self.blocked else told


class MasterJobBack(Event, kind="master_job_back"):
    """Unblocked while the job is still his: his old job messages were stubbed."""


class MasterStopped(Event, kind="master_stopped"):
    pass


class MasterResumed(Event, kind="master_resumed"):
    pass


class MasterRequestDecided(Event, kind="master_request"):
    """The desk's answer to his request for more time or to be released."""

    request: str = named("kind")  # "extension" or "release"
    approved: bool = False
    due: datetime | None = None  # an approved extension: the new completion deadline

    def carries(self) -> frozenset[str]:
        told = frozenset({"kind", "approved"})
        return told | {"due"} if self.request == "extension" and self.approved else told


class MasterAccepted(Event, kind="master_accepted"):
    """The client accepted the work."""


class MasterReview(Event, kind="master_review"):
    stars: int = 0
    comment: str | None = None


class MasterClaim(Event, kind="master_claim"):
    text: str = ""


class MasterPrice(Event, kind="master_price"):
    """The client's answer to his quote or extra."""

    item_id: int
