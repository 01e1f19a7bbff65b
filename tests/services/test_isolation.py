"""One update of a person at a time across replicas (Redis), with a lock that dies with its
holder: a replica killed while holding it does not stall that person for a minute."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock

from bot.isolation import RenewedRedisIsolation

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
KEY = StorageKey(bot_id=42, chat_id=100, user_id=100)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    assert TEST_REDIS_URL
    client = Redis.from_url(TEST_REDIS_URL)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


async def test_an_update_longer_than_the_lock_keeps_it_to_the_end(redis: Redis) -> None:
    one, two = RenewedRedisIsolation(redis, ttl=0.3), RenewedRedisIsolation(redis, ttl=0.3)
    events: list[str] = []

    async def long_update() -> None:
        async with one.lock(KEY):
            events.append("first in")
            await asyncio.sleep(1.2)  # four times the lock's life: renewed meanwhile
            events.append("first out")

    first = asyncio.create_task(long_update())
    while not events:
        await asyncio.sleep(0.01)
    async with two.lock(KEY):
        events.append("second in")
    await first
    assert events == ["first in", "first out", "second in"]


async def test_the_lock_of_a_replica_that_died_holding_it_expires_by_itself(
        redis: Redis) -> None:
    # What a killed replica leaves behind: the lock, and nobody renewing it.
    dead = Lock(redis, DefaultKeyBuilder().build(KEY, "lock"), timeout=0.5, thread_local=False)
    assert await dead.acquire(blocking=False)
    async with asyncio.timeout(5):  # aiogram's own lock would hold it for 60 s
        async with RenewedRedisIsolation(redis, ttl=0.5).lock(KEY):
            assert not await dead.owned()
