"""The conversation in Redis, read and written as one record (fsm/buffer.py RecordStorage).

aiogram's RedisStorage keeps a conversation's state and data under two keys and writes them by
two commands. A replica killed between the two (SIGKILL, a lost host) left a conversation at
the new step with the old data: the update that moved it on was then not known as handled
when Telegram delivered it again (its id travels in the data, fsm/buffer.py HANDLED), and was
run again at a step it does not belong to ("This button is outdated.": the client waited for
ever). Here both keys are written in one MULTI/EXEC transaction (all or nothing) and read by
one MGET (one round trip instead of two). The keys, values and expiry are RedisStorage's own,
so conversations stored before carry on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage


class RedisRecords(RedisStorage):
    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        state, data = await self.redis.mget(self.key_builder.build(key, "state"),
                                            self.key_builder.build(key, "data"))
        if isinstance(state, bytes):
            state = state.decode("utf-8")
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        return state, {} if data is None else cast(dict[str, Any], self.json_loads(data))

    async def set_record(self, key: StorageKey, values: Mapping[str, Any]) -> None:
        """State and/or data, both or neither (a None state or an empty data deletes its
        key, as RedisStorage does)."""
        async with self.redis.pipeline(transaction=True) as tx:
            if "state" in values:
                name, state = self.key_builder.build(key, "state"), values["state"]
                if state is None:
                    tx.delete(name)
                else:
                    tx.set(name, str(state.state if isinstance(state, State) else state),
                           ex=self.state_ttl)
            if "data" in values:
                name, data = self.key_builder.build(key, "data"), values["data"]
                if data:
                    tx.set(name, self.json_dumps(dict(data)), ex=self.data_ttl)
                else:
                    tx.delete(name)
            await tx.execute()
