"""The master's profile buttons (duty, services, districts, photo) and his answer to a question
the desk asked him."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import Press, labelled


class ProfileAction(StrEnum):
    DUTY = "pduty"
    SERVICES = "psvc"
    DISTRICTS = "pdist"
    PHOTO = "pphoto"
    ANSWER_DESK = "mans"


class ProfilePress(Press[ProfileAction], prefix="v2pp"):
    on_duty: bool = False  # DUTY: what the press switches to


def profile_button(text: str, action: ProfileAction,
                   on_duty: bool = False) -> InlineKeyboardButton:
    return labelled(text, ProfilePress(action=action, on_duty=on_duty))
