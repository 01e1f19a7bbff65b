"""Housekeeping on the clock (issue 10): abandoned conversations and old delivered outbox rows
leave the database; pending and failed rows and the audit log stay."""

from __future__ import annotations

from datetime import timedelta

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select, update

from bot.services.base import Context
from bot.services.housekeeping import Retention, sweep
from db.models import AuditEntry, FsmRecord, OutboxMessage
from fsm.storage import SQLStorage
from tests.conftest import FixedClock, make_order
from tests.support.flowkit import harness

KEEP = Retention(fsm_ttl=timedelta(days=30), outbox_keep=timedelta(days=14))


def key(uid: int) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=uid, user_id=uid)


async def test_a_conversation_abandoned_for_the_ttl_is_removed(ctx: Context,
                                                               clock: FixedClock) -> None:
    storage = SQLStorage(ctx.sessions, ctx.clock)
    await storage.set_state(key(1), "NewOrder:address")  # abandoned
    await storage.set_data(key(1), {"draft": {"description": "Tap"}})
    await storage.set_state(key(2), "NewOrder:time")  # goes on later
    clock.advance(days=20)
    await storage.set_data(key(2), {"draft": {"description": "Door"}})
    clock.advance(days=10, seconds=1)  # key 1: 30 days and a second; key 2: 10 days
    assert (await sweep(ctx, KEEP)).conversations == 1
    assert await storage.get_state(key(1)) is None and await storage.get_data(key(1)) == {}
    assert await storage.get_state(key(2)) == "NewOrder:time"
    assert await storage.get_data(key(2)) == {"draft": {"description": "Door"}}


async def test_exactly_the_ttl_old_is_kept(ctx: Context, clock: FixedClock) -> None:
    storage = SQLStorage(ctx.sessions, ctx.clock)
    await storage.set_state(key(1), "NewOrder:address")
    clock.advance(days=30)
    assert (await sweep(ctx, KEEP)).conversations == 0
    assert await storage.get_state(key(1)) == "NewOrder:address"


async def _settle(ctx: Context, status: str, sent: bool = True) -> list[int]:
    """Settle every pending row as the sender would, now; returns their ids."""
    async with ctx.tx() as s:
        ids = list((await s.scalars(select(OutboxMessage.id)
                                    .where(OutboxMessage.status == "pending"))).all())
        await s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
            status=status, sent_at=ctx.clock() if sent else None))
    return ids


async def _outbox_ids(ctx: Context) -> set[int]:
    async with ctx.tx() as s:
        return set((await s.scalars(select(OutboxMessage.id))).all())


async def test_delivered_outbox_rows_older_than_the_keep_are_pruned_audit_is_kept(
        ctx: Context, clock: FixedClock) -> None:
    await make_order(ctx, 501)
    old_sent = await _settle(ctx, "sent")
    await make_order(ctx, 502)
    old_failed = await _settle(ctx, "failed", sent=False)
    clock.advance(days=10)
    await make_order(ctx, 503)
    recent_sent = await _settle(ctx, "sent")
    await make_order(ctx, 504)  # still pending
    async with ctx.tx() as s:
        pending = set((await s.scalars(select(OutboxMessage.id)
                                       .where(OutboxMessage.status == "pending"))).all())
        audit_before = await s.scalar(select(func.count()).select_from(AuditEntry))
    assert old_sent and old_failed and recent_sent and pending
    clock.advance(days=4, seconds=1)  # the first rows were sent 14 days and a second ago
    assert (await sweep(ctx, KEEP)).outbox_rows == len(old_sent)
    assert await _outbox_ids(ctx) == set(old_failed) | set(recent_sent) | pending
    async with ctx.tx() as s:
        assert await s.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
    clock.advance(days=30)  # a failed or pending row is never pruned, however old
    await sweep(ctx, KEEP)
    assert await _outbox_ids(ctx) == set(old_failed) | pending


async def test_the_clock_sweeps_with_the_settings(db_url: str) -> None:
    async with harness(db_url, fsm_ttl_days=7, outbox_keep_days=3) as h:
        clock = h.app.clock
        assert clock.retention == Retention(fsm_ttl=timedelta(days=7),
                                            outbox_keep=timedelta(days=3), sql_fsm=True)
        await clock.start()
        assert clock.scheduler.get_job("housekeeping") is not None
        await h.person(501, "Anna").send("/new")  # a conversation begins
        async with h.app.ctx.tx() as s:
            assert await s.scalar(select(func.count()).select_from(FsmRecord))
            await s.execute(update(FsmRecord).values(
                updated_at=h.app.ctx.clock() - timedelta(days=8)))
        await clock.housekeeping()
        async with h.app.ctx.tx() as s:
            assert await s.scalar(select(func.count()).select_from(FsmRecord)) == 0

