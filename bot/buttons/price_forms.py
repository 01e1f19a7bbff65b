"""The buttons inside the master's price forms, the quote and the extra
(handlers/master/quote.py, extra.py). The buttons opening them sit on his job card, and the
client's answers are bot/buttons/prices.py's."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.buttons.base import labelled
from bot.i18n import _


class PriceFormAction(StrEnum):
    SKIP_NOTE = "qskip"  # the quote goes without a note
    QUOTE_AMOUNT = "qamt"  # type the quote's amount again
    EXTRA_AMOUNT = "xamt"  # type the extra's amount again


class PriceFormCb(CallbackData, prefix="v2qf"):
    action: PriceFormAction


def _press(text: str, action: PriceFormAction) -> list[InlineKeyboardButton]:
    return [labelled(text, PriceFormCb(action=action))]


def note_rows() -> list[list[InlineKeyboardButton]]:
    return [_press(_("Skip ▶️"), PriceFormAction.SKIP_NOTE),
            _press(_("✏️ Change the amount"), PriceFormAction.QUOTE_AMOUNT)]


def reason_rows() -> list[list[InlineKeyboardButton]]:
    return [_press(_("✏️ Change the amount"), PriceFormAction.EXTRA_AMOUNT)]
