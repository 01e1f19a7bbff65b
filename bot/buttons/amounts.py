"""The two readings of an ambiguous amount, as buttons (handlers/amounts.py): the price forms,
the completion report and the desk's refund share them."""

from __future__ import annotations

from enum import StrEnum

from aiogram import F
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import InlineKeyboardButton

from bot.buttons.base import Id, Press, labelled


class AmountAction(StrEnum):
    PICK = "amt"  # index: the reading, kept in the conversation with the question's id


class AmountCb(Press[AmountAction], prefix="v2a"):
    index: Id = 0


def reading_row(first: str, second: str) -> list[InlineKeyboardButton]:
    return [labelled(first, AmountCb(action=AmountAction.PICK, index=0)),
            labelled(second, AmountCb(action=AmountAction.PICK, index=1))]


def amount_picked() -> CallbackQueryFilter:
    """The filter of a press on one of the readings."""
    return AmountCb.filter(F.action == AmountAction.PICK)
