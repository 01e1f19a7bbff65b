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
import logging
import time
from collections.abc import Sequence

from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.events import (
    Album,
    DeskUndeliverable,
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
from bot.notify.albums import album_caption, documents_caption, lost_file, send_files
from bot.notify.messages import Draft, Target, draft, for_master
from bot.notify.sender_base import SenderConfig, blanked, reading_order
from bot.notify.sender_notes import RIDING, NotesSender, note_run
from bot.notify.throttle import IN_OUTBOX
from bot.services.base import enqueue
from bot.services.job_messages import (
    forget_job_messages,
    job_message_ids,
    remember_job_message,
)
from db import outbox
from db.outbox import Queued
from db.scope import session_scope

__all__ = ["OutboxSender", "SenderConfig", "reading_order"]
logger = logging.getLogger(__name__)
FILE_KINDS = frozenset({"album", "master_docs"})  # rows that carry kept files
BATCH = 100
# A commit that queued messages wakes the sender; passes so woken run at most this often, so a
# burst of orders (each waking it) is delivered by a few passes, not one pass per commit (each
# reads the due rows: at 50 orders a second that pass was the bot's busiest work).
PASS_GAP = 0.1


class OutboxSender(NotesSender):
    """Delivers the outbox: leases due rows, composes each for its reader and sends it."""

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
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
                continue
            # Woken by a commit: let the commits of the next moments join this pass.
            await asyncio.sleep(max(0.0, PASS_GAP - (time.monotonic() - started)))

    async def run_once(self) -> float:
        """Send what is due now; returns how long until something may be due again. The
        whole pass runs on one database session (db/scope.py)."""
        async with session_scope(self.ctx.sessions):
            try:
                return await self._pass()
            finally:
                if self._sent:
                    async with self._settling():
                        pass

    async def _pass(self) -> float:
        now = self.ctx.clock()
        async with self.ctx.read() as s:
            rows = await outbox.due(s, now, BATCH)
            # The first row of each chat that is waiting (a retry, or in another process's
            # hands): nothing after it in that chat's order may overtake it, even across a
            # restart. A row merely scheduled for later and never tried (a notice held until
            # the desk opens) holds nothing back: a breach must not wait for the morning.
            waiting = await outbox.waiting_heads(s, now)
            # Orders whose topic is still to be opened: their desk rows wait for it, or they
            # would land in General.
            opening = await outbox.topics_opening(s)
        held: set[int] = set()  # chats whose earlier row is waiting: keep their order
        soonest = self.config.poll_seconds
        delivered = 0
        self._gone = set()
        ordered = reading_order(rows)
        for i, row in enumerate(ordered):
            chat = row.chat_id if row.chat_id is not None else self.config.desk_of(row.desk)
            if chat in held or row.id in self._gone:
                continue
            first_waiting = waiting.get(row.chat_id if row.chat_id is not None else row.desk)
            if first_waiting is not None and first_waiting < (row.priority, row.id):
                held.add(chat)
                continue
            if row.chat_id is None and row.kind != "order_topic" and row.order_id in opening:
                continue
            wait = self._wait(row, chat)
            if wait > 0.05:
                held.add(chat)
                soonest = min(soonest, wait)
                continue
            if not await self._claim(row.id):
                continue
            token = IN_OUTBOX.set(True)  # our own 429 handling, not the inline wait
            riding = RIDING.set(())
            try:
                outcome = await self._deliver(row, note_run(row, ordered[i + 1:],
                                                            waiting.get(row.desk)))
            finally:
                RIDING.reset(riding)
                IN_OUTBOX.reset(token)
            if outcome is not None:
                held.add(chat)
            else:
                delivered += 1
                if row.kind == "order_topic":
                    opening.discard(row.order_id)
        # A whole batch went out: more rows may be due already, so go again at once.
        return 0.0 if len(rows) == BATCH and delivered else soonest

    def _wait(self, row: Queued, chat: int) -> float:
        """Seconds until its chat's limits let this row go (an album weighs its files). The
        overall 30 a second is the throttle's to keep: the send waits there for its slot (a
        pass that held every row a gap of the overall spacing away drained 1,000
        notifications at 25.5 a second instead of 29: bench/outbox.py)."""
        mono = self.limiter.clock()
        weight = len(row.payload.get("files") or ()) if row.kind in FILE_KINDS else 1
        return self.limiter.ready_at(chat, mono, counts=row.kind != "order_card",
                                     weight=max(weight, 1), overall=False) - mono

    async def _deliver(self, row: Queued, followers: Sequence[Queued] = ()) -> str | None:
        """Send one row (with the notes that join it); returns None when it is settled, else
        why it waits."""
        try:
            try:
                await self._send(row, followers)
            except Exception:
                await self._let_go()
                raise
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
        at = self.ctx.clock()
        self._sent.append((row, at))  # settled with the next claim
        self._rode(at)
        return None

    async def _poisoned(self, row: Queued, exc: Exception) -> None:
        """A row that cannot be composed (an unknown kind, a missing payload key, a bug): it
        would fail the same way at every lease and hold its chat's later rows for ever. Settle
        it as failed, log it, and tell the desk once per kind, so the rest goes on."""
        logger.exception("outbox %s (%s) cannot be sent; settled as failed", row.id, row.kind)
        now = self.ctx.clock()
        async with self.ctx.tx() as s:
            await outbox.settle(s, row.id, "failed", repr(exc)[:500], **blanked(row))
            if row.kind not in self._poison_told and row.kind != "desk_undeliverable":
                self._poison_told.add(row.kind)
                enqueue(s, now, DeskUndeliverable(row_id=row.id, what=row.kind[:40]),
                        to=To.desk(row.order_id))

    async def _send(self, row: Queued, followers: Sequence[Queued] = ()) -> None:
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
        await self._deliver_draft(target, await self._with_followers(composed, target,
                                                                     followers))

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
