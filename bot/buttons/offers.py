"""A job offered to a master: Accept and Decline."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardMarkup

from bot.buttons.base import OrderPress, labelled
from bot.i18n import pgettext


class OfferAction(StrEnum):
    ACCEPT = "acc"
    DECLINE = "dec"


class Offer(OrderPress[OfferAction], prefix="v2o"):
    """The master's answer to the offer."""


def offer_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        labelled(pgettext("a master answers a job offered to him", "✅ Accept"),
                 Offer(action=OfferAction.ACCEPT, order_id=order_id)),
        labelled(pgettext("a master answers a job offered to him", "❌ Decline"),
                 Offer(action=OfferAction.DECLINE, order_id=order_id))]])
