"""The master's profile buttons (duty, services, districts, photo) and his answer to a question
the desk asked him."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.buttons.base import labelled


class ProfileAction(StrEnum):
    DUTY = "pduty"
    SERVICES = "psvc"
    DISTRICTS = "pdist"
    PHOTO = "pphoto"
    ANSWER_DESK = "mans"


class ProfilePress(CallbackData, prefix="v2pp"):
    action: ProfileAction
    on_duty: bool = False  # DUTY: what the press switches to


def profile_button(text: str, action: ProfileAction,
                   on_duty: bool = False) -> InlineKeyboardButton:
    return labelled(text, ProfilePress(action=action, on_duty=on_duty))
