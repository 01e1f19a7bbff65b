"""Who is a desk member: ADMIN_IDS, or an administrator of the desk chat (cached briefly)."""

from __future__ import annotations

import logging
import time

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

logger = logging.getLogger(__name__)


class DeskMembers:
    def __init__(self, desk_chat_id: int, admin_ids: list[int], ttl: float = 60.0) -> None:
        self.desk_chat_id = desk_chat_id
        self.admin_ids = frozenset(admin_ids)
        self.ttl = ttl
        self._admins: frozenset[int] = frozenset()
        self._loaded_at = float("-inf")

    async def is_member(self, bot: Bot, user_id: int) -> bool:
        if user_id in self.admin_ids:
            return True
        if time.monotonic() - self._loaded_at > self.ttl:
            try:
                admins = await bot.get_chat_administrators(self.desk_chat_id)
                self._admins = frozenset(a.user.id for a in admins if not a.user.is_bot)
                self._loaded_at = time.monotonic()
            except TelegramAPIError as exc:  # keep the last known list
                logger.warning("cannot read the desk's administrators: %s", exc)
        return user_id in self._admins
