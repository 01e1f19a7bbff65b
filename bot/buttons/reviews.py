"""Stars: the client rates the work, the master rates the client; the client's comment."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, OrderPress, labelled
from bot.domain.reviews import MAX_STARS, MIN_STARS
from bot.i18n import _


class ReviewAction(StrEnum):
    RATE_WORK = "rv"  # the client's review, SPEC §2.3
    SKIP_COMMENT = "rvs"
    RATE_CLIENT = "rc"  # [H] the master's one tap on the client


class Stars(OrderPress[ReviewAction], prefix="v2r"):
    stars: Id


class ReviewStep(OrderPress[ReviewAction], prefix="v2rs"):
    """The review's next step."""


def stars_row(action: ReviewAction, order_id: int) -> list[InlineKeyboardButton]:
    """1–5 stars, one tap."""
    return [labelled(f"{n}⭐", Stars(action=action, order_id=order_id, stars=n))
            for n in range(MIN_STARS, MAX_STARS + 1)]


def skip_comment_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[labelled(
        _("Skip ▶️"), ReviewStep(action=ReviewAction.SKIP_COMMENT, order_id=order_id))]])
