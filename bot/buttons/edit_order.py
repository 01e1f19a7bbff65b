"""The buttons of a placed order's change (handlers/client/edit.py): which field, then save.
The button opening it sits on the order's view (bot/notify/client_view.py)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import Id, OrderPick, labelled
from bot.i18n import _


class EditAction(StrEnum):
    CHOOSE = "cef"  # index: the field (handlers/client/edit.CHOICES)
    SAVE = "esav"


class EditOrderCb(OrderPick[EditAction], prefix="v2e"):
    index: Id = 0  # SAVE carries none


def choice_rows(order_id: int, labels: Sequence[str]) -> list[list[InlineKeyboardButton]]:
    return [[labelled(label, EditOrderCb(action=EditAction.CHOOSE, order_id=order_id,
                                         index=i))] for i, label in enumerate(labels)]


def save_rows(order_id: int) -> list[list[InlineKeyboardButton]]:
    return [[labelled(_("✅ Save the change"), EditOrderCb(action=EditAction.SAVE,
                                                          order_id=order_id))]]
