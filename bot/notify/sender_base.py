"""What the outbox sender is made of: its settings, its collaborators, and the small steps
every delivery uses (send into a thread, edit, settle or postpone a row, find its reader)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
)
from aiogram.types import InlineKeyboardMarkup, Message

from bot.i18n import PoI18n, resolve_locale
from bot.notify.fit import CAPTION_LIMIT, fits_fixed
from bot.notify.limiter import Limiter
from bot.notify.messages import Draft, Target
from bot.notify.render import Renderer
from bot.services.base import Context, without_secrets
from bot.services.views import order_view
from db import orders, outbox, users
from db.outbox import Queued

logger = logging.getLogger("bot.notify.sender")


@dataclass
class SenderConfig:
    desk_chat_id: int
    desk_locale: str
    default_locale: str
    poll_seconds: float = 0.5


def blanked(row: Queued) -> dict[str, Any]:
    """The settled row keeps no secret (a confirmation code): it is delivered, or never
    will be. Part of the UPDATE that settles the row, so no settled row ever holds one."""
    kept = without_secrets(row.kind, row.payload)
    return {} if kept is None else {"payload": kept}


def reading_order(rows: Sequence[Queued]) -> list[Queued]:
    """Rows by (priority, id), except that an order's topic still to be opened goes just
    before the most urgent row about that order (it inherits the urgency)."""
    first: dict[int, tuple[int, int]] = {}
    for r in rows:
        if r.chat_id is None and r.order_id is not None:
            rank = (r.priority, r.id)
            first[r.order_id] = min(first.get(r.order_id, rank), rank)

    def key(r: Queued) -> tuple[int, int, int]:
        if r.kind == "order_topic" and r.order_id in first:
            return (*first[r.order_id], -1)
        return (r.priority, r.id, 0)

    return sorted(rows, key=key)


class SenderBase:
    def __init__(self, bot: Bot, ctx: Context, i18n: PoI18n, renderer: Renderer,
                 config: SenderConfig, limiter: Limiter | None = None) -> None:
        self.bot, self.ctx, self.i18n, self.renderer = bot, ctx, i18n, renderer
        self.config = config
        self.limiter = limiter or Limiter()
        self._wake = asyncio.Event()
        self._poison_told: set[str] = set()  # kinds the desk was told it could not send

    def wake(self) -> None:
        """Called after a handler commits, so a message goes out without waiting a poll."""
        self._wake.set()

    async def _send_draft(self, chat_id: int, thread_id: int | None, draft: Draft) -> Message:
        if draft.document:  # a relayed file: it arrives as the file
            return await self._in_thread(self.bot.send_document, chat_id, thread_id,
                                         draft.document, caption=draft.text,
                                         reply_markup=draft.markup)
        # The caption is fitted to 1024 on the way out (bot/notify/fitting.py), the user's
        # words shortened first; only a text whose own words pass 1024 goes without the photo.
        if draft.photo and fits_fixed(draft.text, CAPTION_LIMIT):
            try:
                return await self._in_thread(self.bot.send_photo, chat_id, thread_id,
                                             draft.photo, caption=draft.text,
                                             reply_markup=draft.markup)
            except TelegramBadRequest as exc:  # a photo Telegram no longer knows: text only
                logger.warning("photo refused (%s); sending the text alone", exc.message)
        return await self._in_thread(self.bot.send_message, chat_id, thread_id, draft.text,
                                     reply_markup=draft.markup)

    async def _in_thread(self, send: Any, chat_id: int, thread_id: int | None, *args: Any,
                         **kwargs: Any) -> Message:
        """Send into the topic; into General when someone deleted the topic by hand."""
        try:
            return await send(chat_id, *args, message_thread_id=thread_id, **kwargs)
        except TelegramBadRequest as exc:
            if thread_id is None or "thread not found" not in exc.message:
                raise
            return await send(chat_id, *args, **kwargs)

    async def _target(self, row: Queued) -> Target:
        async with self.ctx.tx() as s:
            order = await orders.get(s, row.order_id) if row.order_id else None
            ov = await order_view(s, order) if order else None
            if row.chat_id is None:
                return Target(self.config.desk_chat_id, ov.topic_id if ov else None,
                              self.config.desk_locale, ov, True)
            user = await users.get(s, row.chat_id)
            locale = resolve_locale(user.locale if user else None,
                                    user.language_code if user else None,
                                    self.config.default_locale)
            return Target(row.chat_id, None, locale, ov, False)

    async def _edit(self, chat_id: int, message_id: int, text: str,
                    markup: InlineKeyboardMarkup | None) -> bool:
        """Edit in place; False when the message is gone and a new one must be sent."""
        try:
            await self.bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id,
                                             reply_markup=markup)
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return True
            if "not found" in exc.message or "can't be edited" in exc.message:
                return False
            raise
        return True

    async def _save_order(self, order_id: int, **values: object) -> None:
        async with self.ctx.tx() as s:
            await orders.save_card(s, order_id, **values)

    async def _postpone(self, row: Queued, delay: float, error: str) -> None:
        now = self.ctx.clock()
        until = now + timedelta(seconds=delay)
        async with self.ctx.tx() as s:
            await outbox.postpone(s, row, until, error)

    async def _settle(self, row: Queued, status: str, error: str | None) -> None:
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            await outbox.settle(s, row.id, status, error,
                                sent_at=now if status == "sent" else None, **blanked(row))
