"""Moving the agreed visit: propose another time, and the other side's Accept / Keep."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import Id, OrderPress, labelled
from bot.i18n import _


class VisitAction(StrEnum):
    PROPOSE = "vprop"
    ACCEPT = "vacc"
    KEEP = "vdec"


class VisitPress(OrderPress[VisitAction], prefix="v2v"):
    """Opens a proposal."""


class VisitAnswer(OrderPress[VisitAction], prefix="v2va"):
    """The answer to one proposal: `stamp` is its version (bot.domain.visits.proposal_stamp),
    so a button never answers a later proposal that replaced it."""

    stamp: Id


def propose_button(order_id: int) -> InlineKeyboardButton:
    return labelled(_("📅 Propose another time"),
                    VisitPress(action=VisitAction.PROPOSE, order_id=order_id))


def answer_row(order_id: int, stamp: int) -> list[InlineKeyboardButton]:
    return [labelled(_("✅ Accept the new time"),
                     VisitAnswer(action=VisitAction.ACCEPT, order_id=order_id, stamp=stamp)),
            labelled(_("❌ Keep the old time"),
                     VisitAnswer(action=VisitAction.KEEP, order_id=order_id, stamp=stamp))]
