"""Only desk members act in the desk: one filter on the desk router's presses, so no desk
handler can forget the check (the use cases check again)."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery

from bot.domain.rules import Actor, desk_only


class DeskMember(Filter):
    """Passes a desk member's press; refuses anyone else's with `error.desk_only`, answered
    by the errors middleware (handlers/errors.py) before any handler runs."""

    async def __call__(self, query: CallbackQuery, actor: Actor) -> bool:
        desk_only(actor)
        return True
