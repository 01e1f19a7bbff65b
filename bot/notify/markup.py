"""What every text and keyboard of bot/notify is built from: a user's words escaped and marked
as his (bot/notify/fit.py shortens those first), and a button.

Below render.py and prices.py, so that neither imports the other to get them.
"""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import labelled
from bot.callbacks import Cb
from bot.domain.spoof import visible
from bot.notify.fit import mark


def q(text: object) -> str:
    """Escape user input for parse_mode=HTML, without bidi/zero-width controls (spoofing),
    marked as a user part: bot/notify/fit.py shortens it, not our words, when the message
    would pass Telegram's limits."""
    return mark(escape(visible(str(text)), quote=False))


def button(text: str, action: str, o: int = 0, x: int = 0) -> InlineKeyboardButton:
    """Legacy (the v1 `Cb` scheme) for the buttons whose handlers still read it."""
    return labelled(text, Cb(a=action, o=o, x=x))
