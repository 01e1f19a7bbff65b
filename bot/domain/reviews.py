"""Reviews (SPEC §2.3): 1–5 stars once per order; a low mark needs its reason and alerts the
desk [H]; a review is never deleted, only the desk may correct its text [R §7]."""

from __future__ import annotations

from bot.domain.errors import InvalidInput

MIN_STARS, MAX_STARS = 1, 5
LOW = 2  # 1 or 2 stars: the reason is required and the desk gets a quality alert
MAX_COMMENT = 1000


def check_review(stars: int, comment: str | None) -> str | None:
    """The comment to store (None when there is none), or InvalidInput."""
    if not MIN_STARS <= stars <= MAX_STARS:
        raise InvalidInput("error.invalid_input")
    text = " ".join((comment or "").split())
    if text.startswith("/"):
        raise InvalidInput("error.review_text")
    if len(text) > MAX_COMMENT:
        raise InvalidInput("error.review_long")
    if stars <= LOW and len(text) < 3:
        raise InvalidInput("error.review_reason")
    return text or None


def stars_line(stars: int) -> str:
    return "★" * stars + "☆" * (MAX_STARS - stars)
