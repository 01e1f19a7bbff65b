"""Every request the bot makes passes here: messages wait for their turn under Telegram's
limits (bot/notify/limiter.py). The outbox's notifications share the overall budget; a
handler's answer in the chat it handles waits only for that chat's own limit, and its edits
there for nothing (an answer to one person is not a notification to many).

A 429 inside a handler's answer is waited out and retried (a user is never left without an
answer); the outbox sender instead handles its own 429s (it postpones the row and moves on), so
for it the error is passed through.
"""

from __future__ import annotations

import asyncio
import logging
import math
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMediaGroup, TelegramMethod
from aiogram.methods.base import Response

from bot.notify.limiter import Limiter

logger = logging.getLogger(__name__)
IN_OUTBOX: ContextVar[bool] = ContextVar("in_outbox", default=False)
# The chat of the update being handled (set around each update): a request into it answers
# the person who wrote, paced by that chat's own limit, not the overall one (limiter.py).
ANSWERING: ContextVar[int | None] = ContextVar("answering_chat", default=None)
MAX_INLINE_WAIT = 30.0
_COUNTED = ("send", "copy", "forward", "createforumtopic")
_LIMITED = (*_COUNTED, "edit")


class Throttle(BaseRequestMiddleware):
    def __init__(self, limiter: Limiter) -> None:
        self.limiter = limiter
        self._lock = asyncio.Lock()

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        name = type(method).__name__.lower()
        chat = getattr(method, "chat_id", None)
        if isinstance(chat, int) and name.startswith(_LIMITED):
            weight = len(getattr(method, "media", None) or ()) if isinstance(
                method, SendMediaGroup) else 1
            counts = name.startswith(_COUNTED)
            answer = chat == ANSWERING.get() and not IN_OUTBOX.get()
            if counts or not answer:  # an edit of the chat being answered waits for nothing
                await self._wait_turn(method, chat, counts=counts, weight=weight,
                                      overall=not answer)
        for attempt in range(3):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.limiter.pause(self.limiter.clock() + exc.retry_after)
                if IN_OUTBOX.get() or exc.retry_after > MAX_INLINE_WAIT or attempt == 2:
                    raise
                logger.warning("429 on %s, waiting %s s", type(method).__name__,
                               exc.retry_after)
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")

    async def _wait_turn(self, method: TelegramMethod[Any], chat: int, counts: bool,
                         weight: int = 1, overall: bool = True) -> None:
        """Take a slot under the lock, wait for it outside: a minute's wait for the desk's
        budget holds the desk's next slot, never the other chats' (issue 10)."""
        while True:
            now = self.limiter.clock()
            if IN_OUTBOX.get() and self.limiter.paused_until > now:
                # A send in flight when a 429 paused everything: the sender postpones its
                # row, as for Telegram's own 429, instead of holding it here.
                raise TelegramRetryAfter(
                    method=method, message="Too Many Requests: paused by an earlier 429",
                    retry_after=max(1, math.ceil(self.limiter.paused_until - now)))
            async with self._lock:  # one decision at a time, so two tasks never take one slot
                at = self.limiter.reserve(chat, self.limiter.clock(), counts, weight, overall)
            delay = at - self.limiter.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.limiter.paused_until <= self.limiter.clock():
                return
            # a 429 paused everything after the slot was taken: queue again behind the pause
