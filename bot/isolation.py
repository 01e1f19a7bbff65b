"""One update of a person at a time across replicas, with a lock that dies with its holder.

aiogram's RedisEventIsolation takes a Redis lock that lives 60 s. A replica killed while it
holds one (SIGKILL, out of memory, a lost host) leaves that person stuck: Telegram delivers the
update again to another replica, which waits out the rest of the minute, and by then a button
press can no longer be answered (Telegram takes an answer to a callback query for ~15 s). Here
the lock lives LOCK_SECONDS and the holder renews it while the update runs, so a dead holder's
lock is gone within seconds while a long update (one waiting out a 429) keeps its lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

logger = logging.getLogger(__name__)
LOCK_SECONDS = 5.0


class RenewedRedisIsolation(BaseEventIsolation):
    def __init__(self, redis: Redis, ttl: float = LOCK_SECONDS) -> None:
        self.redis, self.ttl = redis, ttl
        self.key_builder = DefaultKeyBuilder()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = Lock(self.redis, self.key_builder.build(key, "lock"), timeout=self.ttl,
                    sleep=0.05, thread_local=False)
        await lock.acquire()
        renewing = asyncio.create_task(self._renew(lock))
        try:
            yield None
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            try:
                await lock.release()
            except LockError:  # it expired (Redis unreachable for a while): nothing to free
                logger.warning("the lock %s had expired before the update was done",
                               lock.name)

    async def _renew(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            try:
                await lock.reacquire()
            except (LockError, RedisError) as exc:
                logger.warning("could not renew the lock %s: %s", lock.name, exc)
                return

    async def close(self) -> None:
        pass  # the connection is the storage's
