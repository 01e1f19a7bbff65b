"""The outbox sender: delivers queued messages within Telegram's limits, and never loses one.

- 429: waits out `retry_after` (everything pauses; the row and the later rows of its chat wait).
- 403 / chat not found: the user is marked unreachable, the desk is told once.
- Network and 5xx errors: retried with backoff, forever (a message is never dropped).
- A file Telegram no longer has (an album's photo, a master's document): the row fails at
  once and the desk is told once; resending could never succeed.
- Rows of one chat go out in order; a row is claimed with a lease so two processes never send
  the same row at once.
- The desk's rows go by priority (bot/services/base.py `outbox_priority`): when its group is
  behind, safety stops and SLA breaches overtake new orders and cards, which overtake the
  manager chat; within one priority, in the order queued (so one conversation's relays stay in
  order). An urgent row about an order whose topic is not open yet opens the topic first.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy import and_, func, or_, select, update

from bot.events import (
    Album,
    DeskFilesLost,
    DeskUndeliverable,
    DeskUnreachable,
    JobRevoked,
    MasterCardChanged,
    MasterDocuments,
    OfferClosed,
    OrderCardChanged,
    OrderTitleChanged,
    OrderTopicOpened,
    To,
)
from bot.events.base import event_of
from bot.i18n import PoI18n, resolve_locale
from bot.notify.albums import album_caption, documents_caption, lost_file, send_files
from bot.notify.fit import CAPTION_LIMIT, fits_fixed
from bot.notify.limiter import Limiter
from bot.notify.messages import Draft, Target, draft, for_master
from bot.notify.render import Renderer
from bot.notify.throttle import IN_OUTBOX
from bot.services.base import Context, enqueue, without_secrets
from bot.services.job_messages import (
    forget_job_messages,
    job_message_ids,
    remember_job_message,
)
from bot.services.matching import master_record
from bot.services.views import master_view, order_view
from db.models import Master, Order, OutboxMessage, User

logger = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
FILE_KINDS = frozenset({"album", "master_docs"})  # rows that carry kept files
BATCH = 100


@dataclass
class SenderConfig:
    desk_chat_id: int
    desk_locale: str
    default_locale: str
    poll_seconds: float = 0.5


def card_digest(text: str, markup: InlineKeyboardMarkup | None) -> str:
    """What a card shows, in 40 characters: the same digest means an edit would change
    nothing."""
    raw = text + "\x00" + (markup.model_dump_json(exclude_none=True) if markup else "")
    return hashlib.sha1(raw.encode()).hexdigest()


def _blanked(row: OutboxMessage) -> dict[str, Any]:
    """The settled row keeps no secret (a confirmation code): it is delivered, or never
    will be. Part of the UPDATE that settles the row, so no settled row ever holds one."""
    kept = without_secrets(row.kind, row.payload)
    return {} if kept is None else {"payload": kept}
def reading_order(rows: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """Rows by (priority, id), except that an order's topic still to be opened goes just
    before the most urgent row about that order (it inherits the urgency)."""
    first: dict[int, tuple[int, int]] = {}
    for r in rows:
        if r.chat_id is None and r.order_id is not None:
            rank = (r.priority, r.id)
            first[r.order_id] = min(first.get(r.order_id, rank), rank)

    def key(r: OutboxMessage) -> tuple[int, int, int]:
        if r.kind == "order_topic" and r.order_id in first:
            return (*first[r.order_id], -1)
        return (r.priority, r.id, 0)

    return sorted(rows, key=key)


class OutboxSender:
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

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                delay = await self.run_once()
            except Exception:  # the loop must survive anything; the rows stay pending
                logger.exception("outbox pass failed")
                delay = 2.0
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=min(delay,
                                                                      self.config.poll_seconds))
            except TimeoutError:
                pass

    async def run_once(self) -> float:
        """Send what is due now; returns how long until something may be due again."""
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            rows = (await s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                       or_(OutboxMessage.locked_until.is_(None),
                           OutboxMessage.locked_until < now))
                .order_by(OutboxMessage.priority, OutboxMessage.id).limit(BATCH)
            )).all()
            # The first row of each chat that is waiting (a retry, or in another process's
            # hands): nothing after it in that chat's order may overtake it, even across a
            # restart. A row merely scheduled for later and never tried (a notice held until
            # the desk opens) holds nothing back: a breach must not wait for the morning.
            waiting: dict[int | None, tuple[int, int]] = {}
            for chat_id, priority, first in (await s.execute(
                select(OutboxMessage.chat_id, OutboxMessage.priority, func.min(OutboxMessage.id))
                .where(OutboxMessage.status == "pending",
                       or_(and_(OutboxMessage.next_attempt_at > now, OutboxMessage.attempts > 0),
                           OutboxMessage.locked_until >= now))
                .group_by(OutboxMessage.chat_id, OutboxMessage.priority)
            )).all():
                waiting[chat_id] = min(waiting.get(chat_id, (priority, first)), (priority, first))
            # Orders whose topic is still to be opened: their desk rows wait for it, or they
            # would land in General.
            opening = set((await s.scalars(
                select(OutboxMessage.order_id)
                .where(OutboxMessage.status == "pending", OutboxMessage.kind == "order_topic")
            )).all())
        held: set[int] = set()  # chats whose earlier row is waiting: keep their order
        soonest = self.config.poll_seconds
        for row in reading_order(rows):
            chat = row.chat_id if row.chat_id is not None else self.config.desk_chat_id
            if chat in held:
                continue
            first_waiting = waiting.get(row.chat_id)
            if first_waiting is not None and first_waiting < (row.priority, row.id):
                held.add(chat)
                continue
            if row.chat_id is None and row.kind != "order_topic" and row.order_id in opening:
                continue
            mono = self.limiter.clock()
            weight = len(row.payload.get("files") or ()) if row.kind in FILE_KINDS else 1
            at = self.limiter.ready_at(chat, mono, counts=row.kind != "order_card",
                                       weight=max(weight, 1))
            if at - mono > 0.05:
                held.add(chat)
                soonest = min(soonest, at - mono)
                continue
            if not await self._claim(row.id):
                continue
            token = IN_OUTBOX.set(True)  # our own 429 handling, not the inline wait
            try:
                outcome = await self._deliver(row)
            finally:
                IN_OUTBOX.reset(token)
            if outcome is not None:
                held.add(chat)
            elif row.kind == "order_topic":
                opening.discard(row.order_id)
        return soonest

    async def _claim(self, row_id: int) -> bool:
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            res = await s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending",
                       or_(OutboxMessage.locked_until.is_(None),
                           OutboxMessage.locked_until < now))
                .values(locked_until=now + LEASE)
            )
            return res.rowcount == 1

    async def _deliver(self, row: OutboxMessage) -> str | None:
        """Send one row; returns None when it is settled, else why it waits."""
        try:
            await self._send(row)
        except TelegramRetryAfter as exc:
            # The throttle has paused all sending; this row and its chat's later rows wait.
            logger.warning("429 from Telegram, waiting %s s", exc.retry_after)
            await self._postpone(row, exc.retry_after, f"429 retry_after={exc.retry_after}")
            return "429"
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as exc:
            delay = min(2.0 ** row.attempts, 300.0)
            logger.warning("outbox %s: %s, retrying in %.0f s", row.id, type(exc).__name__, delay)
            await self._postpone(row, delay, repr(exc)[:500])
            return "retry"
        except TelegramForbiddenError as exc:
            await self._unreachable(row, str(exc))
            return None
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message:
                await self._unreachable(row, exc.message)
                return None
            if row.kind in FILE_KINDS and lost_file(exc.message):
                await self._files_lost(row, exc.message)
                return None
            logger.error("outbox %s (%s) refused by Telegram: %s", row.id, row.kind, exc.message)
            await self._settle(row, "failed", exc.message)
            return None
        except Exception as exc:  # noqa: BLE001 - a row we cannot compose must not hold its chat
            await self._poisoned(row, exc)
            return None
        await self._settle(row, "sent", None)
        return None

    async def _poisoned(self, row: OutboxMessage, exc: Exception) -> None:
        """A row that cannot be composed (an unknown kind, a missing payload key, a bug): it
        would fail the same way at every lease and hold its chat's later rows for ever. Settle
        it as failed, log it, and tell the desk once per kind, so the rest goes on."""
        logger.exception("outbox %s (%s) cannot be sent; settled as failed", row.id, row.kind)
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            await s.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id)
                .values(status="failed", attempts=OutboxMessage.attempts + 1,
                        locked_until=None, last_error=repr(exc)[:500], **_blanked(row)))
            if row.kind not in self._poison_told and row.kind != "desk_undeliverable":
                self._poison_told.add(row.kind)
                enqueue(s, now, DeskUndeliverable(row_id=row.id, what=row.kind[:40]),
                        to=To.desk(row.order_id))

    async def _send(self, row: OutboxMessage) -> None:
        event = event_of(row.kind, row.payload)  # KeyError: a kind no event reads
        if isinstance(event, (OrderTopicOpened, OrderCardChanged)):
            await self._order_card(row)
            return
        if isinstance(event, MasterCardChanged):
            await self._master_card(event.master_id)
            return
        if isinstance(event, OrderTitleChanged):
            await self._order_title(row)
            return
        if isinstance(event, MasterDocuments):
            await self._files(self.config.desk_chat_id, list(event.files), event.master_id)
            return
        target = await self._target(row)
        if isinstance(event, Album):
            await self._album(event, target)
            return
        if isinstance(event, JobRevoked):
            await self._revoke_job(target)
            return
        if isinstance(event, OfferClosed) and await self._close_offer(event, target):
            return
        with self.i18n.use_locale(target.locale):
            composed = draft(event, target, self.renderer)
        await self._deliver_draft(target, composed)

    async def _deliver_draft(self, target: Target, message: Draft) -> None:
        sent = await self._send_draft(target.chat_id, target.thread_id, message)
        if message.job and target.order is not None:
            await remember_job_message(self.ctx, target.order.id, target.chat_id,
                                       sent.message_id)

    async def _revoke_job(self, target: Target) -> None:
        """The master lost the job: each message that showed it (address, phone, buttons) is
        edited down to the stub. One that Telegram no longer has is simply forgotten."""
        if target.order is None:
            return
        ids = await job_message_ids(self.ctx, target.order.id, target.chat_id)
        with self.i18n.use_locale(target.locale):
            stub = self.renderer.job_stub(target.order.id)
        for message_id in ids:
            await self._edit(target.chat_id, message_id, stub, None)
        await forget_job_messages(self.ctx, target.order.id, target.chat_id, ids)

    async def _close_offer(self, event: OfferClosed, target: Target) -> bool:
        """The offer ended: each message that showed it says why and loses its buttons.
        False when none could be edited (then the row is sent as a message)."""
        order = target.order
        if order is None or order.master_user_id == target.chat_id:
            return True  # he holds the job now: his messages show it, leave them
        ids = await job_message_ids(self.ctx, order.id, target.chat_id)
        with self.i18n.use_locale(target.locale):
            text = self.renderer.offer_closed(order.id, event.reason)
        edited = [m for m in ids if await self._edit(target.chat_id, m, text, None)]
        await forget_job_messages(self.ctx, order.id, target.chat_id, ids)
        return bool(edited)

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

    async def _files(self, chat_id: int, files: list[str], master_id: int) -> None:
        """A master's documents for the desk [R §4]: photos and files in albums of up to
        ten (Telegram does not mix the two in one album), each captioned with his number."""
        with self.i18n.use_locale(self.config.desk_locale):
            caption = documents_caption(master_id)
        await send_files(self.bot, chat_id, files, caption)

    async def _album(self, album: Album, target: Target) -> None:
        """An order's photos as albums: into its topic, to the client, or to its master, who
        must still hold the job when it goes out (he may have lost it since the row was
        queued: then the photos of the home are not his to see)."""
        o = target.order
        if o is None:
            return
        if album.job and not for_master(target, o):
            return
        with self.i18n.use_locale(target.locale):
            caption = album_caption(str(album.what), o.id)
        await send_files(self.bot, target.chat_id, list(album.files),
                         caption, self._in_thread, target.thread_id)

    async def _files_lost(self, row: OutboxMessage, error: str) -> None:
        """Telegram no longer has a file of this row: resending cannot help, so the row fails
        at once and the desk is told (once: a failed row is never tried again)."""
        logger.error("outbox %s (%s): a file is gone: %s", row.id, row.kind, error)
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            settled = await s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending")
                .values(status="failed", attempts=OutboxMessage.attempts + 1,
                        locked_until=None, last_error=error[:500]))
            if settled.rowcount != 1:
                return
            order = await s.get(Order, row.order_id) if row.order_id else None
            if row.chat_id is None:
                reader = "desk"
            else:
                reader = "client" if order is not None and order.client_id == row.chat_id \
                    else "master"
            enqueue(s, now, DeskFilesLost(reader=reader, what=row.payload.get("what"),
                                          master_id=row.payload.get("master_id")),
                    to=To.desk(row.order_id))

    async def _target(self, row: OutboxMessage) -> Target:
        async with self.ctx.tx() as s:
            order = await s.get(Order, row.order_id) if row.order_id else None
            ov = await order_view(s, order) if order else None
            if row.chat_id is None:
                return Target(self.config.desk_chat_id, ov.topic_id if ov else None,
                              self.config.desk_locale, ov, True)
            user = await s.get(User, row.chat_id)
            locale = resolve_locale(user.locale if user else None,
                                    user.language_code if user else None,
                                    self.config.default_locale)
            return Target(row.chat_id, None, locale, ov, False)

    async def _order_card(self, row: OutboxMessage) -> None:
        """Open the order's topic (once) and keep its first message, the card, current."""
        async with self.ctx.tx() as s:
            order = await s.get(Order, row.order_id)
            if order is None:
                return
            if row.kind == "order_card":
                newer = await s.scalar(
                    select(OutboxMessage.id).where(
                        OutboxMessage.kind == "order_card", OutboxMessage.status == "pending",
                        OutboxMessage.order_id == row.order_id, OutboxMessage.id > row.id
                    ).limit(1))
                if newer is not None:
                    return  # a later row draws the same card: one edit is enough
            ov = await order_view(s, order)
            shown = order.card_digest
        desk = self.config.desk_chat_id
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
            topic_id = await self._reopen_topic(ov.id, name)
            msg = await self.bot.send_message(desk, text, message_thread_id=topic_id,
                                              reply_markup=markup)
        await self._save_order(ov.id, card_message_id=msg.message_id, card_digest=digest)

    async def _reopen_topic(self, order_id: int, name: str) -> int | None:
        try:
            topic = await self.bot.create_forum_topic(self.config.desk_chat_id, name)
        except TelegramBadRequest as exc:
            logger.error("cannot reopen a topic for order %s: %s", order_id, exc.message)
            await self._save_order(order_id, topic_id=None)
            return None
        await self._save_order(order_id, topic_id=topic.message_thread_id)
        return topic.message_thread_id

    async def _order_title(self, row: OutboxMessage) -> None:
        """Show the order's SLA state in its topic's title."""
        async with self.ctx.tx() as s:
            order = await s.get(Order, row.order_id)
            if order is None or order.topic_id is None:
                return
            ov = await order_view(s, order)
            topic_id = order.topic_id
        with self.i18n.use_locale(self.config.desk_locale):
            name = self.renderer.topic_name(ov)
        try:
            await self.bot.edit_forum_topic(self.config.desk_chat_id, topic_id, name=name)
        except TelegramBadRequest as exc:
            if "TOPIC_NOT_MODIFIED" not in exc.message and "thread not found" not in exc.message:
                raise

    async def _master_card(self, master_id: int) -> None:
        async with self.ctx.tx() as s:
            m = await s.get(Master, master_id)
            if m is None:
                return
            mv = await master_view(s, m)
            shown = m.card_digest
        stats, record = await master_record(self.ctx, master_id)
        desk = self.config.desk_chat_id
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
            await s.execute(update(Master).where(Master.id == master_id).values(**values))

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
            await s.execute(update(Order).where(Order.id == order_id).values(**values))

    async def _postpone(self, row: OutboxMessage, delay: float, error: str) -> None:
        now = self.ctx.clock()
        until = now + timedelta(seconds=delay)
        async with self.ctx.tx() as s:
            await s.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id)
                .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=until,
                        locked_until=None, last_error=error))
            # Later messages to the same chat wait too, so nobody reads them out of order
            # ("later" in the chat's order: a more urgent desk row is not held by a relay).
            same_chat = (OutboxMessage.chat_id.is_(None) if row.chat_id is None
                         else OutboxMessage.chat_id == row.chat_id)
            after = or_(OutboxMessage.priority > row.priority,
                        and_(OutboxMessage.priority == row.priority, OutboxMessage.id > row.id))
            await s.execute(
                update(OutboxMessage)
                .where(same_chat, OutboxMessage.status == "pending", after,
                       OutboxMessage.next_attempt_at < until)
                .values(next_attempt_at=until))

    async def _settle(self, row: OutboxMessage, status: str, error: str | None) -> None:
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            await s.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id)
                .values(status=status, sent_at=now if status == "sent" else None,
                        attempts=OutboxMessage.attempts + 1, locked_until=None,
                        last_error=error, **_blanked(row)))

    async def _unreachable(self, row: OutboxMessage, error: str) -> None:
        """The user blocked the bot: mark him, tell the desk once, keep the row as failed."""
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            await s.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id)
                .values(status="failed", attempts=OutboxMessage.attempts + 1,
                        locked_until=None, last_error=error[:500], **_blanked(row)))
            if row.chat_id is None:
                return
            user = await s.get(User, row.chat_id)
            if user is not None and not user.unreachable:
                user.unreachable = True
                enqueue(s, now, DeskUnreachable(user_id=row.chat_id, name=user.first_name),
                        to=To.desk(row.order_id))
        logger.warning("outbox %s: recipient unreachable", row.id)
