"""The client's one-tap answers to the master's quote and extras."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import Id, OrderPress, labelled


class PriceAction(StrEnum):
    ACCEPT_QUOTE = "qacc"
    DECLINE_QUOTE = "qdec"
    APPROVE_EXTRA = "xacc"
    DECLINE_EXTRA = "xdec"


class PriceAnswer(OrderPress[PriceAction], prefix="v2q"):
    item_id: Id


def price_answer(text: str, action: PriceAction, order_id: int,
                 item_id: int) -> InlineKeyboardButton:
    return labelled(text, PriceAnswer(action=action, order_id=order_id, item_id=item_id))
