"""LEGACY callback data: one `Cb` for every feature, `v1:<code>:<o>:<x>`.

Only the handlers not yet converted read it (the form-like conversations: new order, edit,
claim, onboarding, field, the master's pricing and profile, handlers/amounts). Every other
feature has its own typed callback data in bot/buttons/ (a `v2…` prefix, a StrEnum action,
named ids), so a `v1:` press of those features matches no handler and is answered as outdated.
Delete this module once nothing imports it.
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
