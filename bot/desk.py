"""Who is a desk member: ADMIN_IDS, or an administrator of a desk group (cached briefly).

With several desk groups (DESK_ROUTES) an administrator of ANY of them is a desk member: a
manager may be moved from one group to another, and orders are the desk's, not a group's.

Each group's administrators are read from Telegram at most every `ttl` seconds. When that read
fails, the last known list is trusted for one more `ttl` (a short outage should not lock the
desk out), and after that it is not trusted at all: a removed administrator must not keep
desk powers for as long as Telegram cannot be asked. ADMIN_IDS always work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

logger = logging.getLogger(__name__)
RETRY_SECONDS = 5.0  # after a failed read, so a Telegram outage is not asked every update


class GroupAdmins:
    """One desk group's administrators, as last read."""

    def __init__(self, chat_id: int, ttl: float) -> None:
        self.chat_id, self.ttl = chat_id, ttl
        self.grace = ttl  # how long past its ttl a list is still used while reads fail
        self._admins: frozenset[int] = frozenset()
        self._loaded_at = float("-inf")
        self._retry_at = float("-inf")

    async def has(self, bot: Bot, user_id: int) -> bool:
        now = time.monotonic()
        if now - self._loaded_at > self.ttl and now >= self._retry_at:
            try:
                admins = await bot.get_chat_administrators(self.chat_id)
                self._admins = frozenset(a.user.id for a in admins if not a.user.is_bot)
                self._loaded_at = now
            except TelegramAPIError as exc:
                self._retry_at = now + RETRY_SECONDS
                logger.warning("cannot read the administrators of the desk %s: %s",
                               self.chat_id, exc)
        if now - self._loaded_at > self.ttl + self.grace:
            return False  # the list is too old to trust: membership unknown, so not a member
        return user_id in self._admins


class DeskMembers:
    def __init__(self, desk_chat_id: int, admin_ids: list[int], ttl: float = 60.0,
                 routed: Iterable[int] = ()) -> None:
        self.desk_chat_id = desk_chat_id  # the default desk
        self.chats = frozenset({desk_chat_id, *routed})  # every desk group
        self.admin_ids = frozenset(admin_ids)
        self._groups = [GroupAdmins(chat, ttl) for chat in dict.fromkeys(
            (desk_chat_id, *routed))]

    def is_desk(self, chat_id: int) -> bool:
        return chat_id in self.chats

    async def is_member(self, bot: Bot, user_id: int) -> bool:
        if user_id in self.admin_ids:
            return True
        for group in self._groups:
            if await group.has(bot, user_id):
                return True
        return False
