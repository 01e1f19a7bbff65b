"""/privacy: a copy of one's data, and its erasure after a confirmation."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Press, labelled
from bot.i18n import _


class PrivacyAction(StrEnum):
    DOWNLOAD = "prvget"
    DELETE = "prvdel"  # asks first
    DELETE_CONFIRM = "prvyes"
    DELETE_KEEP = "prvno"


class Privacy(Press[PrivacyAction], prefix="v2p"):
    """One's own data: the press names no one."""


def privacy_button(text: str, action: PrivacyAction) -> InlineKeyboardButton:
    return labelled(text, Privacy(action=action))


def privacy_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [privacy_button(_("📥 Download my data"), PrivacyAction.DOWNLOAD)],
        [privacy_button(_("🗑 Delete my data"), PrivacyAction.DELETE)]])


def erase_confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [privacy_button(_("🗑 Yes, delete my data"), PrivacyAction.DELETE_CONFIRM)],
        [privacy_button(_("↩️ No, keep it"), PrivacyAction.DELETE_KEEP)]])
