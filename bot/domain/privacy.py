"""A person's own data: when it may be erased.

Erasure is refused while any order of his (as client or as master) is still open: an order in
work, an offer waiting for him, a warranty claim (the order is `disputed`) or a rework the desk
ordered after a claim. Those need his phone and address, and the other party needs them too.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.states import Status

# Finished: nothing more happens on the order except a warranty claim, which reopens it.
SETTLED = frozenset({Status.COMPLETED, Status.REJECTED, Status.CANCELLED})


def blocks_erasure(status: str, rework_due: datetime | None) -> bool:
    """True while the order still needs its parties' personal data."""
    return Status(status) not in SETTLED or rework_due is not None


# Audit actions whose reason is free text someone typed about the order or the person: the
# row (who, when, from, to) is kept; the words go.
# A client's change of his order keeps the old and new address or description (old → new).
_WORDS = frozenset({"dispute", "review_corrected", "answer_desk", "ask_master",
                    "edit_description", "edit_address"})


def scrubbed_reason(action: str, reason: str | None) -> str | None:
    """An audit reason without the erased person's words: a code or the stars stay."""
    if reason is None:
        return None
    if action == "review":  # "<stars> <comment>"
        return reason.split(" ", 1)[0]
    if action == "cancel":  # "<reason code>: <the client's note>"
        return reason.split(":", 1)[0]
    return None if action in _WORDS else reason
