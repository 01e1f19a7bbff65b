"""Keyboards the handlers share (the inline ones live in bot/buttons/menus.py)."""

from __future__ import annotations

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

from bot.buttons.menus import cancel_button, master_menu, menu, with_cancel
from bot.i18n import _

__all__ = ["cancel_button", "master_menu", "menu", "share_contact", "share_location",
           "with_cancel"]


def share_contact() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)],
                  [KeyboardButton(text=_("✖️ Cancel"))]],
        resize_keyboard=True, one_time_keyboard=True)


def share_location() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📍 Share my location"), request_location=True)],
                  [KeyboardButton(text=_("✖️ Cancel"))]],
        resize_keyboard=True, one_time_keyboard=True)
