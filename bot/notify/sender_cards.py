"""The order cards and master cards in the desk: drawn once, edited in place only when what
they show has changed (a digest of text and buttons), their topics reopened or renamed."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

from aiogram.exceptions import (
    TelegramBadRequest,
)
from aiogram.types import InlineKeyboardMarkup

from bot.notify.sender_base import SenderBase
from bot.services.matching import master_record
from bot.services.views import master_view, order_view
from db import masters, orders, outbox
from db.outbox import Queued

logger = logging.getLogger("bot.notify.sender")


def card_digest(text: str, markup: InlineKeyboardMarkup | None) -> str:
    """What a card shows, in 40 characters: the same digest means an edit would change
    nothing."""
    raw = text + "\x00" + (markup.model_dump_json(exclude_none=True) if markup else "")
    return hashlib.sha1(raw.encode()).hexdigest()


class CardsSender(SenderBase):
    async def _order_card(self, row: Queued) -> None:
        """Open the order's topic (once) and keep its first message, the card, current."""
        async with self.ctx.tx() as s:
            order = await orders.get(s, row.order_id) if row.order_id else None
            if order is None:
                return
            if row.kind == "order_card" and await outbox.newer_card(s, row):
                return  # a later row draws the same card: one edit is enough
            ov = await order_view(s, order)
            shown = order.card_digest
        desk = self.config.desk_of(ov.desk_chat_id)  # the group the order was routed to
        if self.config.homeless(ov.desk_chat_id):  # its route is gone: a new topic here
            await self._save_order(ov.id, desk_chat_id=None, topic_id=None,
                                   card_message_id=None)
            ov = replace(ov, desk_chat_id=None, topic_id=None, card_message_id=None)
        with self.i18n.use_locale(self.config.desk_locale):
            text, markup = self.renderer.card(ov)
            name = self.renderer.topic_name(ov)
        digest = card_digest(text, markup)
        if ov.card_message_id is not None and shown == digest:
            return  # the card already shows this: an edit would get 400 "not modified"
        topic_id = ov.topic_id
        if topic_id is None and ov.card_message_id is None:
            try:
                topic = await self.bot.create_forum_topic(desk, name)
            except TelegramBadRequest as exc:
                # Topics off or the right taken away: the card still reaches the desk, in
                # General, rather than nowhere.
                logger.error("cannot open a topic for order %s: %s", ov.id, exc.message)
            else:
                topic_id = topic.message_thread_id
                await self._save_order(ov.id, topic_id=topic_id)
        if ov.card_message_id is not None:
            if await self._edit(desk, ov.card_message_id, text, markup):
                await self._save_order(ov.id, card_digest=digest)
                return
        try:
            msg = await self.bot.send_message(desk, text, message_thread_id=topic_id,
                                              reply_markup=markup)
        except TelegramBadRequest as exc:
            if topic_id is None or "thread not found" not in exc.message:
                raise
            # Someone deleted the order's topic: open a new one (or use General) for the card.
            topic_id = await self._reopen_topic(desk, ov.id, name)
            msg = await self.bot.send_message(desk, text, message_thread_id=topic_id,
                                              reply_markup=markup)
        await self._save_order(ov.id, card_message_id=msg.message_id, card_digest=digest)

    async def _reopen_topic(self, desk: int, order_id: int, name: str) -> int | None:
        try:
            topic = await self.bot.create_forum_topic(desk, name)
        except TelegramBadRequest as exc:
            logger.error("cannot reopen a topic for order %s: %s", order_id, exc.message)
            await self._save_order(order_id, topic_id=None)
            return None
        await self._save_order(order_id, topic_id=topic.message_thread_id)
        return topic.message_thread_id

    async def _order_title(self, row: Queued) -> None:
        """Show the order's SLA state in its topic's title."""
        async with self.ctx.tx() as s:
            order = await orders.get(s, row.order_id) if row.order_id else None
            if order is None or order.topic_id is None:
                return
            ov = await order_view(s, order)
            topic_id = order.topic_id
        if self.config.homeless(ov.desk_chat_id):
            return  # its topic was in a group no longer configured
        desk = self.config.desk_of(ov.desk_chat_id)
        with self.i18n.use_locale(self.config.desk_locale):
            name = self.renderer.topic_name(ov)
        try:
            await self.bot.edit_forum_topic(desk, topic_id, name=name)
        except TelegramBadRequest as exc:
            if "TOPIC_NOT_MODIFIED" not in exc.message and "thread not found" not in exc.message:
                raise

    async def _master_card(self, master_id: int) -> None:
        async with self.ctx.tx() as s:
            m = await masters.get(s, master_id)
            if m is None:
                return
            mv = await master_view(s, m)
            shown = m.card_digest
        stats, record = await master_record(self.ctx, master_id)
        desk = self.config.desk_chat_id  # applications and masters: the default desk
        with self.i18n.use_locale(self.config.desk_locale):
            text, markup = self.renderer.master_card(mv, stats, record)
        digest = card_digest(text, markup)
        if mv.card_message_id is not None and shown == digest:
            return
        values: dict[str, object] = {"card_digest": digest}
        if mv.card_message_id is None or not await self._edit(desk, mv.card_message_id, text,
                                                              markup):
            msg = await self.bot.send_message(desk, text, reply_markup=markup)
            values["card_message_id"] = msg.message_id
        async with self.ctx.tx() as s:
            await masters.save_card(s, master_id, **values)
