"""Warranty claims (SPEC §2.7, [R §5]): the client says what is wrong, with photos, within the
warranty; the desk decides: rework by a deadline, a partial refund, or rejected with a
reason."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import InvalidInput, NotAllowed

MIN_TEXT, MAX_TEXT = 5, 1500
DECISIONS = ("rework", "refund", "rejected")
REWORK_HOURS = (24, 48, 72)
REJECT_REASONS = ("not_covered", "misuse", "no_defect", "other")


def check_claim(text: str, photos: list[str], now: datetime,
                warranty_end: datetime | None) -> str:
    """The claim's text, or the reason it cannot be made."""
    if warranty_end is None or now >= warranty_end:
        raise NotAllowed("error.no_warranty")
    body = " ".join(text.split())
    if len(body) < MIN_TEXT or body.startswith("/"):
        raise InvalidInput("error.claim_text")
    if len(body) > MAX_TEXT:
        raise InvalidInput("error.claim_long")
    if not photos:
        raise InvalidInput("error.claim_photo")
    return body


def check_refund(amount: int, final_price: int | None) -> int:
    """A partial refund (minor units): more than nothing, less than what the client paid."""
    if amount <= 0:
        raise InvalidInput("error.price_format")
    if final_price is not None and amount >= final_price:
        raise InvalidInput("error.refund_too_big")
    return amount
