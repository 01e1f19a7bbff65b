"""What every feature's buttons share: bounded ids and drawing one button.

Callback data holds a versioned prefix, an action and ids, never names, prices or roles; the
server re-authorises every press. Every prefix starts with `v2`: the `v1:` buttons of the old
single `Cb(a, o, x)` scheme match no handler and are answered as outdated. Bump a feature's
prefix when the meaning of its fields changes.
"""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from pydantic import Field

from bot.domain.ids import MAX_ID
from bot.domain.rules import clip
from bot.domain.spoof import visible
from bot.notify.fit import unmark

# Forged data with ids past the database's range fails to unpack, so no handler matches and the
# press is answered as outdated (handlers.common.outdated) instead of failing in a query.
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
LABEL = 60  # characters on a button


def labelled(text: str, data: CallbackData) -> InlineKeyboardButton:
    """One button: its label as the reader sees it (no user-part marks, no bidi controls)."""
    return InlineKeyboardButton(text=clip(visible(unmark(text)), LABEL), callback_data=data.pack())


def rows(*buttons: InlineKeyboardButton, width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i:i + width]) for i in range(0, len(buttons), width)]
