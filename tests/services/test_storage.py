"""Conversations survive a restart: the SQL storage by default, Redis when configured."""

from __future__ import annotations

import os
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from db.models import Order
from fsm.buffer import BufferedStorage
from fsm.redis_records import RedisRecords
from fsm.storage import SQLStorage
from tests.support.flowkit import harness

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
KEY = StorageKey(bot_id=42, chat_id=100, user_id=100)


async def test_sql_storage_round_trips_state_and_data(db_url: str) -> None:
    async with harness(db_url) as h:
        storage = SQLStorage(h.app.ctx.sessions)
        assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
        await storage.set_state(KEY, "NewOrder:address")
        await storage.set_data(KEY, {"draft": {"description": "Tap", "photos": ["a", "b"]}})
        await storage.set_state(KEY, "NewOrder:time")
        assert await storage.get_state(KEY) == "NewOrder:time"
        assert await storage.get_data(KEY) == {"draft": {"description": "Tap",
                                                         "photos": ["a", "b"]}}
        other = StorageKey(bot_id=42, chat_id=101, user_id=101)
        assert await storage.get_state(other) is None
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
        assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}


async def _restart_mid_order(db_url: str, **settings: object) -> None:
    async with harness(db_url, **settings) as h:
        c = h.person(100, "Anna")
        await c.send("/new")
        await c.click(c.last(), "Plumbing")
        await c.send("Leaking tap")
        await c.click(c.last(), "Continue")
        await c.send("Lenina 5, Moscow")
        assert "When should the master come?" in c.last().text
    async with harness(db_url, **settings) as h:  # a new process on the same stores
        c = h.person(100, "Anna")
        when = await _ask_again(h)
        await c.click(when, "Urgent")
        await c.contact("+79990001122")
        await c.click(c.last(), "Cash after completion")
        assert "Leaking tap" in c.last().text and "Lenina 5, Moscow" in c.last().text
        await c.click(c.last(), "Confirm")
        async with h.app.ctx.tx() as s:
            order = await s.scalar(select(Order))
        assert order is not None and order.description == "Leaking tap"


async def _ask_again(h):  # type: ignore[no-untyped-def]
    """After the restart the client taps the 'When' buttons of the message sent before it;
    the harness of the new process has not seen it, so re-create that message."""
    from aiogram.types import InlineKeyboardMarkup

    from bot.buttons.new_order import time_rows
    from tests.support.flowkit import Sent

    kb = InlineKeyboardMarkup(inline_keyboard=time_rows(10))
    return Sent("send", 100, "When should the master come?", None, 1, kb, {})


async def test_a_restart_keeps_the_conversation_in_the_database(db_url: str) -> None:
    await _restart_mid_order(db_url)


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_a_restart_keeps_the_conversation_in_redis(db_url: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(TEST_REDIS_URL)  # type: ignore[arg-type]
    await redis.flushdb()
    await redis.aclose()
    await _restart_mid_order(db_url, redis_url=TEST_REDIS_URL)


class Died(BaseException):
    """The process dies: nothing after this point runs."""


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
@pytest.mark.parametrize("dies_at", [1, 2, 3])
async def test_a_process_dying_mid_write_leaves_the_old_conversation_or_the_new_one(
        dies_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A replica killed while it writes a step: the conversation in Redis is the one before
    the step or the one after, never the new step with the old data (the update that moved
    it on would not be known as handled when it comes back, and would run at a step it does
    not belong to)."""
    from redis.asyncio import Redis
    from redis.asyncio.connection import Connection

    redis = Redis.from_url(TEST_REDIS_URL)  # type: ignore[arg-type]
    await redis.flushdb()
    records = RedisRecords(redis=redis)
    before = ("NewOrder:description", {"draft": {"description": "Tap"}, "_update_id": [7]})
    after = ("NewOrder:address", {"draft": {"description": "Tap"}, "_update_id": [7, 8]})
    await records.set_record(KEY, {"state": before[0], "data": before[1]})  # connected
    sent = 0
    send = Connection.send_packed_command

    async def dies(self: Connection, *args: Any, **kwargs: Any) -> None:
        nonlocal sent
        sent += 1
        if sent == dies_at:
            raise Died
        await send(self, *args, **kwargs)

    buffered = BufferedStorage(records)
    monkeypatch.setattr(Connection, "send_packed_command", dies)
    try:
        async with buffered.scope(KEY):
            await buffered.set_state(KEY, after[0])
            await buffered.set_data(KEY, after[1])
    except Died:
        pass
    monkeypatch.undo()
    stored = await RedisRecords(redis=redis).get_record(KEY)
    assert stored == (before if dies_at == 1 else after)
    await redis.aclose()


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_redis_records_keep_aiograms_keys_and_expiry() -> None:
    """Conversations stored by aiogram's RedisStorage before are read on; a conversation
    expires after FSM_TTL_DAYS as before; a cleared one leaves no key."""
    from datetime import timedelta

    from aiogram.fsm.storage.redis import RedisStorage
    from redis.asyncio import Redis

    redis = Redis.from_url(TEST_REDIS_URL)  # type: ignore[arg-type]
    await redis.flushdb()
    ttl = timedelta(days=30)
    old = RedisStorage(redis=redis, state_ttl=ttl, data_ttl=ttl)
    await old.set_state(KEY, "NewOrder:address")
    await old.set_data(KEY, {"draft": {"description": "Tap"}})
    records = RedisRecords(redis=redis, state_ttl=ttl, data_ttl=ttl)
    assert await records.get_record(KEY) == ("NewOrder:address",
                                             {"draft": {"description": "Tap"}})
    await records.set_record(KEY, {"state": "NewOrder:time",
                                   "data": {"draft": {"description": "Tap", "address": "L"}}})
    assert await old.get_state(KEY) == "NewOrder:time"
    assert (await old.get_data(KEY))["draft"]["address"] == "L"
    assert 0 < await redis.ttl(old.key_builder.build(KEY, "state")) <= ttl.total_seconds()
    assert 0 < await redis.ttl(old.key_builder.build(KEY, "data")) <= ttl.total_seconds()
    await records.set_record(KEY, {"state": None, "data": {}})
    assert await records.get_record(KEY) == (None, {}) and await redis.keys("*") == []
    await redis.aclose()
