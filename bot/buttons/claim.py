"""The warranty claim form's buttons (handlers/client/claim.py). The button that opens the
form sits on the order's view (bot/notify/client_view.py)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import Press, labelled
from bot.i18n import _


class ClaimAction(StrEnum):
    SEND = "clms"  # the claim is described and has its photos: to the desk


class ClaimCb(Press[ClaimAction], prefix="v2cl"):
    """The claim form's only step."""


def send_rows() -> list[list[InlineKeyboardButton]]:
    return [[labelled(_("📨 Send the claim"), ClaimCb(action=ClaimAction.SEND))]]
