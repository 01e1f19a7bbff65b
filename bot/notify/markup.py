"""What every text and keyboard of bot/notify is built from: a user's words escaped and marked
as his (bot/notify/fit.py shortens those first), and a button.

Below render.py and prices.py, so that neither imports the other to get them.
"""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton

from bot.callbacks import cb
from bot.domain.rules import clip
from bot.domain.spoof import visible
from bot.notify.fit import mark, unmark


def q(text: object) -> str:
    """Escape user input for parse_mode=HTML, without bidi/zero-width controls (spoofing),
    marked as a user part: bot/notify/fit.py shortens it, not our words, when the message
    would pass Telegram's limits."""
    return mark(escape(visible(str(text)), quote=False))


def button(text: str, action: str, o: int = 0, x: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=clip(visible(unmark(text)), 60),
                                callback_data=cb(action, o, x))
