"""What the outbox sender is made of: its settings, its collaborators, and the small steps
every delivery uses (send into a thread, edit, settle or postpone a row, find its reader)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
)
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import DeskFilesLost, DeskUnreachable, To
from bot.i18n import PoI18n, resolve_locale
from bot.notify.fit import CAPTION_LIMIT, fits_fixed
from bot.notify.limiter import Limiter
from bot.notify.messages import Draft, Target
from bot.notify.render import Renderer
from bot.services.base import Context, enqueue, without_secrets
from bot.services.views import order_view
from db import orders, outbox, users
from db.outbox import Queued

logger = logging.getLogger("bot.notify.sender")
LEASE = timedelta(seconds=60)


@dataclass
class SenderConfig:
    desk_chat_id: int
    desk_locale: str
    default_locale: str
    poll_seconds: float = 0.5
    routed_desks: frozenset[int] = frozenset()  # DESK_ROUTES' groups besides the default

    def desk_of(self, stored: int | None) -> int:
        """An order's desk group (orders.desk_chat_id); the default desk when it has none or
        its route is gone (bot/domain/routes.py, Desks.chat_of)."""
        return self.desk_chat_id if stored is None or self.homeless(stored) else stored

    def homeless(self, stored: int | None) -> bool:
        """The order's group is no longer configured: its topic and card ids mean nothing in
        the default desk (they are per group), so its notes go to General there until its
        card is drawn again in a new topic."""
        return stored is not None and stored not in self.routed_desks


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
        # Rows sent whose settling rides on the next claim's transaction (or the pass's end):
        # one transaction a message instead of two, and no await between the send and it.
        self._sent: list[tuple[Queued, datetime]] = []
        self._gone: set[int] = set()  # rows of this pass that went out with an earlier one

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
                desk = order.desk_chat_id if order else None
                return Target(self.config.desk_of(desk), None if ov is None or
                              self.config.homeless(desk) else ov.topic_id,
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

    async def _claim(self, row_id: int) -> bool:
        """Lease the row for sending (settling the rows sent before it in the same
        transaction); False when another sender has it or it is settled."""
        now = self.ctx.clock()
        async with self._settling() as s:
            return await outbox.lease(s, row_id, now, now + LEASE)

    async def _settle(self, row: Queued, status: str, error: str | None) -> None:
        now = self.ctx.clock()
        async with self._settling() as s:
            await outbox.settle(s, row.id, status, error,
                                sent_at=now if status == "sent" else None, **blanked(row))

    @asynccontextmanager
    async def _settling(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that also settles the rows sent since the last one; they count as
        settled only once it has committed (else the next one tries again)."""
        sent, self._sent = self._sent, []  # this unit of work's own: sends in flight settle too
        try:
            async with self.ctx.tx() as s:
                for row, at in sent:
                    await outbox.settle(s, row.id, "sent", None, sent_at=at, **blanked(row))
                yield s
        except BaseException:
            self._sent[:0] = sent  # not settled: the next unit of work tries again
            raise

    async def _files_lost(self, row: Queued, error: str) -> None:
        """Telegram no longer has a file of this row: resending cannot help, so the row fails
        at once and the desk is told (once: a failed row is never tried again)."""
        logger.error("outbox %s (%s): a file is gone: %s", row.id, row.kind, error)
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            if not await outbox.settle(s, row.id, "failed", error[:500], only_pending=True):
                return
            order = await orders.get(s, row.order_id) if row.order_id else None
            if row.chat_id is None:
                reader = "desk"
            else:
                reader = "client" if order is not None and order.client_id == row.chat_id \
                    else "master"
            enqueue(s, now, DeskFilesLost(reader=reader, what=row.payload.get("what"),
                                          master_id=row.payload.get("master_id")),
                    to=To.desk(row.order_id))

    async def _unreachable(self, row: Queued, error: str) -> None:
        """The user blocked the bot: mark him, tell the desk once, keep the row as failed."""
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            await outbox.settle(s, row.id, "failed", error[:500], **blanked(row))
            if row.chat_id is None:
                return
            user = await users.get(s, row.chat_id)
            if user is not None and not user.unreachable:
                user.unreachable = True
                enqueue(s, now, DeskUnreachable(user_id=row.chat_id, name=user.first_name),
                        to=To.desk(row.order_id))
        logger.warning("outbox %s: recipient unreachable", row.id)
