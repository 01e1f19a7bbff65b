"""The buttons of the master's price forms, the quote and the extra (handlers/master/quote.py,
extra.py): the ones opening them on his job card and the ones inside them. The client's
answers are bot/buttons/prices.py's."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import OrderPress, Press, labelled
from bot.i18n import _


class PriceFormAction(StrEnum):
    SKIP_NOTE = "qskip"  # the quote goes without a note
    QUOTE_AMOUNT = "qamt"  # type the quote's amount again
    EXTRA_AMOUNT = "xamt"  # type the extra's amount again


class PriceFormCb(Press[PriceFormAction], prefix="v2qf"):
    """A step inside the form; the order is the conversation's draft."""


def _press(text: str, action: PriceFormAction) -> list[InlineKeyboardButton]:
    return [labelled(text, PriceFormCb(action=action))]


def note_rows() -> list[list[InlineKeyboardButton]]:
    return [_press(_("Skip ▶️"), PriceFormAction.SKIP_NOTE),
            _press(_("✏️ Change the amount"), PriceFormAction.QUOTE_AMOUNT)]


def reason_rows() -> list[list[InlineKeyboardButton]]:
    return [_press(_("✏️ Change the amount"), PriceFormAction.EXTRA_AMOUNT)]


class PriceStart(StrEnum):
    QUOTE = "qsend"  # on the job card: the master sends his quote
    EXTRA = "xadd"  # on the job card: the master proposes an extra


class PriceStartCb(OrderPress[PriceStart], prefix="v2qs"):
    """Opens the form for the order."""


def price_start_button(text: str, action: PriceStart, order_id: int) -> InlineKeyboardButton:
    return labelled(text, PriceStartCb(action=action, order_id=order_id))
