"""The master's profile buttons: the profile's own (duty, services, districts, photo, his
answer to a question the desk asked him), drawn with the profile (bot/notify/render_masters.py),
and those inside its forms (handlers/master/profile.py): the services and districts he picks,
and sending his answer to the desk."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, Press, labelled, toggles
from bot.i18n import _


class ProfileAction(StrEnum):
    DUTY = "pduty"
    SERVICES = "psvc"
    DISTRICTS = "pdist"
    PHOTO = "pphoto"
    ANSWER_DESK = "mans"
    # inside the forms
    SERVICE = "ptsv"
    SERVICES_DONE = "ptsd"
    DISTRICT = "ptds"
    DISTRICTS_DONE = "ptdd"
    SEND_ANSWER = "msans"


class ProfilePress(Press[ProfileAction], prefix="v2pp"):
    on_duty: bool = False  # DUTY: what the press switches to


class ProfileFormCb(Press[ProfileAction], prefix="v2pf"):
    index: Id = 0


def profile_button(text: str, action: ProfileAction,
                   on_duty: bool = False) -> InlineKeyboardButton:
    return labelled(text, ProfilePress(action=action, on_duty=on_duty))


def _cb(action: ProfileAction, index: int = 0) -> ProfileFormCb:
    return ProfileFormCb(action=action, index=index)


def pick_services(names: Sequence[str], codes: Sequence[str], picked: Sequence[str],
                  cancel: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return toggles(names, codes, picked, lambda i: _cb(ProfileAction.SERVICE, i),
                   _cb(ProfileAction.SERVICES_DONE), cancel)


def pick_districts(districts: Sequence[str], picked: Sequence[str],
                   cancel: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return toggles(districts, districts, picked, lambda i: _cb(ProfileAction.DISTRICT, i),
                   _cb(ProfileAction.DISTRICTS_DONE), cancel)


def send_answer_rows() -> list[list[InlineKeyboardButton]]:
    return [[labelled(_("📨 Send the answer"), _cb(ProfileAction.SEND_ANSWER))]]
