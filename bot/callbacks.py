"""Callback data: a versioned prefix, an action code and ids, never names, prices or roles.

`v1:acc:42:0` is 12 bytes; everything stays far below Telegram's 64-byte limit. Bump the
prefix when the meaning of a code changes, so old buttons are answered as outdated instead of
being misread. The server re-authorises every press.
"""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.domain.ids import MAX_ID

PREFIX = "v1"
# Forged data with ids past the database's range fails to unpack, so no handler matches and the
# press is answered as outdated (handlers.common.outdated) instead of failing in a query.
Id = Annotated[int, Field(ge=0, le=MAX_ID)]


class Cb(CallbackData, prefix=PREFIX):
    a: Annotated[str, Field(max_length=8)]  # action code, see handlers
    o: Id = 0  # order id (or master id for application cards)
    x: Id = 0  # a second id or an index into a list the handler owns


def cb(action: str, o: int = 0, x: int = 0) -> str:
    return Cb(a=action, o=o, x=x).pack()
