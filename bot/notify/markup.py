"""What every text and keyboard of bot/notify is built from: a user's words escaped and marked
as his (bot/notify/fit.py shortens those first). Buttons are drawn by bot/buttons.

Below render.py and prices.py, so that neither imports the other to get them.
"""

from __future__ import annotations

from html import escape

from bot.domain.spoof import visible
from bot.notify.fit import mark


def q(text: object) -> str:
    """Escape user input for parse_mode=HTML, without bidi/zero-width controls (spoofing),
    marked as a user part: bot/notify/fit.py shortens it, not our words, when the message
    would pass Telegram's limits."""
    return mark(escape(visible(str(text)), quote=False))
