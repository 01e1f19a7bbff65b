"""The master's steps on a job in the field: he has called, he sets the visit, he is on site
(with or without his location)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import OrderPress, labelled


class FieldAction(StrEnum):
    CALLED = "cont"
    SET_VISIT = "sched"
    ON_SITE = "chk"
    ON_SITE_NO_LOCATION = "vnoloc"


class FieldStep(OrderPress[FieldAction], prefix="v2fs"):
    """A step on the job in the field."""


def field_button(text: str, action: FieldAction, order_id: int) -> InlineKeyboardButton:
    return labelled(text, FieldStep(action=action, order_id=order_id))
