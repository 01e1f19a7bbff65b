"""What every feature's buttons share: bounded ids, drawing one button, a list to pick
several from.

Callback data holds a versioned prefix, an action and ids, never names, prices or roles; the
server re-authorises every press. Every prefix starts with `v2`: the `v1:` buttons of the old
single `Cb(a, o, x)` scheme match no handler and are answered as outdated. Bump a feature's
prefix when the meaning of its fields changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Generic, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import Field

from bot.domain.ids import MAX_ID
from bot.domain.rules import clip
from bot.domain.spoof import visible
from bot.i18n import pgettext
from bot.notify.fit import unmark

# Forged data with ids past the database's range fails to unpack, so no handler matches and the
# press is answered as outdated (handlers.common.outdated) instead of failing in a query.
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
LABEL = 60  # characters on a button


A = TypeVar("A", bound=StrEnum)


class Press(CallbackData, Generic[A], prefix="press"):
    """A feature's press, its action first: `class Menu(Press[MenuAction], prefix="v2n")`.
    The bases share field declarations only: each feature names its own `v2` prefix (a class
    that forgot it would carry a base's, which tests/flows/test_desk_buttons.py refuses)."""

    action: A

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # pydantic makes `Press[MenuAction]` a subclass of its own, without a prefix: it keeps
        # the one it derives from, and a feature's class names its own.
        super().__init_subclass__(**{"prefix": cls.__prefix__, **kwargs})


class OrderPress(Press[A], Generic[A], prefix="order"):
    """An action on one order."""

    order_id: Id


class OrderPick(OrderPress[A], Generic[A], prefix="order-pick"):
    """An action on one order with a choice from a list the handler owns, by its index."""

    index: Id


def labelled(text: str, data: CallbackData) -> InlineKeyboardButton:
    """One button: its label as the reader sees it (no user-part marks, no bidi controls)."""
    return _button(text, data.pack())


@lru_cache(maxsize=4096)
def _button(text: str, packed: str) -> InlineKeyboardButton:
    """Drawn once per label and press: the same menus and steps are drawn on every update.
    A button is shared by the keyboards that show it, so nothing may change one once drawn
    (nothing does: its label is already what bot/notify/fitting.py would make of it)."""
    return InlineKeyboardButton(text=clip(visible(unmark(text)), LABEL), callback_data=packed)


def rows(*buttons: InlineKeyboardButton, width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i:i + width]) for i in range(0, len(buttons), width)]


def toggles(names: Sequence[str], codes: Sequence[str], picked: Sequence[str],
            pick: Callable[[int], CallbackData], done: CallbackData,
            cancel: InlineKeyboardButton) -> InlineKeyboardMarkup:
    """A list to pick several from (✅ picked), then «Done»."""
    buttons = [[labelled(("✅ " if c in picked else "▫️ ") + n, pick(i))]
               for i, (c, n) in enumerate(zip(codes, names, strict=True))]
    buttons.append([labelled(pgettext("finish choosing from a list", "Done ▶️"), done), cancel])
    return InlineKeyboardMarkup(inline_keyboard=buttons)
