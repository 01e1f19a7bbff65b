"""Who is a desk member: ADMIN_IDS, or an administrator of the desk chat (cached briefly).

The chat's administrators are read from Telegram at most every `ttl` seconds. When that read
fails, the last known list is trusted for one more `ttl` (a short outage should not lock the
desk out), and after that it is not trusted at all: a removed administrator must not keep
desk powers for as long as Telegram cannot be asked. ADMIN_IDS always work.
"""

from __future__ import annotations

import logging
import time

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

logger = logging.getLogger(__name__)
RETRY_SECONDS = 5.0  # after a failed read, so a Telegram outage is not asked every update


class DeskMembers:
    def __init__(self, desk_chat_id: int, admin_ids: list[int], ttl: float = 60.0) -> None:
        self.desk_chat_id = desk_chat_id
        self.admin_ids = frozenset(admin_ids)
        self.ttl = ttl
        self.grace = ttl  # how long past its ttl a list is still used while reads fail
        self._admins: frozenset[int] = frozenset()
        self._loaded_at = float("-inf")
        self._retry_at = float("-inf")

    async def is_member(self, bot: Bot, user_id: int) -> bool:
        if user_id in self.admin_ids:
            return True
        now = time.monotonic()
        if now - self._loaded_at > self.ttl and now >= self._retry_at:
            try:
                admins = await bot.get_chat_administrators(self.desk_chat_id)
                self._admins = frozenset(a.user.id for a in admins if not a.user.is_bot)
                self._loaded_at = now
            except TelegramAPIError as exc:
                self._retry_at = now + RETRY_SECONDS
                logger.warning("cannot read the desk's administrators: %s", exc)
        if now - self._loaded_at > self.ttl + self.grace:
            return False  # the list is too old to trust: membership unknown, so not a member
        return user_id in self._admins
