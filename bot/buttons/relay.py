"""Writing to the desk about an order (the client, or the order's master): start and Done."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, Press, labelled
from bot.i18n import pgettext


class RelayAction(StrEnum):
    WRITE = "wrm"  # «Write to the manager / to the desk»
    REPLY = "rply"  # under a message the desk wrote
    DONE = "wrd"


class RelayPress(Press[RelayAction], prefix="v2w"):
    order_id: Id = 0


def relay_button(text: str, action: RelayAction, order_id: int) -> InlineKeyboardButton:
    return labelled(text, RelayPress(action=action, order_id=order_id))


def done_keyboard() -> InlineKeyboardMarkup:
    done = pgettext("stop writing to the desk", "✅ Done")
    return InlineKeyboardMarkup(inline_keyboard=[[labelled(
        done, RelayPress(action=RelayAction.DONE))]])
