"""The buttons inside the master's profile forms (handlers/master/profile.py): the services
and districts he picks, and sending his answer to the desk's question. The profile's own
buttons are drawn with it (bot/notify/render.py)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, Press, labelled
from bot.buttons.onboarding import toggles
from bot.i18n import _


class ProfileFormAction(StrEnum):
    SERVICE = "ptsv"
    SERVICES_DONE = "ptsd"
    DISTRICT = "ptds"
    DISTRICTS_DONE = "ptdd"
    SEND_ANSWER = "msans"


class ProfileFormCb(Press[ProfileFormAction], prefix="v2pf"):
    index: Id = 0


def _cb(action: ProfileFormAction, index: int = 0) -> ProfileFormCb:
    return ProfileFormCb(action=action, index=index)


def pick_services(names: Sequence[str], codes: Sequence[str], picked: Sequence[str],
                  cancel: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return toggles(names, codes, picked, lambda i: _cb(ProfileFormAction.SERVICE, i),
                   _cb(ProfileFormAction.SERVICES_DONE), cancel)


def pick_districts(districts: Sequence[str], picked: Sequence[str],
                   cancel: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return toggles(districts, districts, picked, lambda i: _cb(ProfileFormAction.DISTRICT, i),
                   _cb(ProfileFormAction.DISTRICTS_DONE), cancel)


def send_answer_rows() -> list[list[InlineKeyboardButton]]:
    return [[labelled(_("📨 Send the answer"), _cb(ProfileFormAction.SEND_ANSWER))]]
