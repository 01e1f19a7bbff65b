"""Callback data: a versioned prefix, an action code and ids, never names, prices or roles.

`v1:acc:42:0` is 12 bytes; everything stays far below Telegram's 64-byte limit. Bump the
prefix when the meaning of a code changes, so old buttons are answered as outdated instead of
being misread. The server re-authorises every press.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

PREFIX = "v1"


class Cb(CallbackData, prefix=PREFIX):
    a: str  # action code, see handlers
    o: int = 0  # order id (or master id for application cards)
    x: int = 0  # a second id or an index into a list the handler owns


def cb(action: str, o: int = 0, x: int = 0) -> str:
    return Cb(a=action, o=o, x=x).pack()
