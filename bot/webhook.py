"""The webhook endpoint, with a stop that loses nothing.

aiogram's SimpleRequestHandler answers Telegram at once and feeds the update in a background
task, but it neither refuses updates while the bot is stopping nor lets anyone wait for the
tasks in hand; on SIGTERM they were killed half-way. This receiver keeps its tasks, so a stop
can refuse new updates (Telegram keeps them and delivers them again) and finish the rest.

It answers 200 only once the update is handled: a process that dies with an update in hand
(SIGKILL, out of memory, a lost host) never said it had it, so Telegram delivers it again, and
behind a proxy with several replicas another replica takes it (README: Scaling out).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiohttp import web

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookReceiver:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret: str) -> None:
        self.dispatcher, self.bot, self.secret = dispatcher, bot, secret
        self.tasks: set[asyncio.Task[None]] = set()
        self.accepting = True

    async def handle(self, request: web.Request) -> web.Response:
        token = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(token.encode(), self.secret.encode()):
            return web.Response(status=401, text="Unauthorized")
        if not self.accepting:  # Telegram retries an update it could not deliver
            return web.Response(status=503, text="Stopping")
        update = await request.json(loads=self.bot.session.json_loads)
        task = asyncio.create_task(self._feed(update))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        # Shielded: Telegram hanging up does not cut an update off half-way.
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.cancelled():
                raise  # the request was cut off; the update goes on
            # A stop ran out of time and cancelled it: Telegram delivers it again.
            return web.Response(status=503, text="Stopping")
        return web.json_response({})

    async def _feed(self, update: dict[str, Any]) -> None:
        try:
            result = await self.dispatcher.feed_raw_update(self.bot, update)
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(self.bot, result)
        except Exception:  # a bug repeats on every delivery: answered, logged, not retried
            logger.exception("update %s failed", update.get("update_id"))

    async def drain(self, timeout: float) -> None:
        """Take no more updates; wait up to `timeout` for those in hand, then cancel the
        rest (their changes are transactions: a cancelled one leaves nothing half-done)."""
        self.accepting = False
        if not self.tasks:
            return
        logger.info("finishing %s update(s) in hand", len(self.tasks))
        _, pending = await asyncio.wait(set(self.tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("%s update(s) were still running after %s s and were cancelled",
                           len(pending), timeout)
            await asyncio.wait(pending)
