"""One read and one write of a conversation's state per update.

aiogram reads the state for its filters, a handler reads the data and writes state and data
again, often several times in one step: each a storage round trip (a transaction for the SQL
storage, 3–5 ms). `BufferedStorage` keeps the conversation of the update being handled in
memory: the first read loads state and data together, writes stay in memory, and the record is
written once when the update is done.

What a person is shown is never ahead of what is stored: a pending write is made before the
update's next request to Telegram (`StoreBeforeSending`), so a crash right after a prompt was
sent still finds the conversation at that prompt. A step that writes, then sends, costs one write.

The scope is the events-isolation lock (`BufferedIsolation`): aiogram takes it around reading
the state and running the handler, so the next update of the same person reads what this one
wrote. Keys other than the locked one (a desk handler touching a client's conversation) and
calls outside an update (scheduler jobs, tests) go straight to the storage.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response

from db.scope import release


@runtime_checkable
class RecordStorage(Protocol):
    """A storage that reads state and data in one call and writes them in one call."""

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]: ...

    async def set_record(self, key: StorageKey, values: Mapping[str, Any]) -> None: ...


@dataclass
class _Record:
    key: StorageKey
    loaded: bool = False
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    changed: dict[str, Any] = field(default_factory=dict)  # column → new value
    handled: list[int] = field(default_factory=list)  # HANDLED as stored, whatever is set


_current: ContextVar[_Record | None] = ContextVar("fsm_record", default=None)

# The update being handled (set around each update by the dispatcher). Its id is written with
# the conversation it changed, in the same write: when Telegram delivers that update again
# (the process died after storing the step but before saying it had the update), it is known
# as handled and not applied twice (SkipRedelivered, bot/middlewares.py).
HANDLED = "_update_id"
UPDATE_ID: ContextVar[int | None] = ContextVar("update_id", default=None)
# The last few, not only the last: an update delivered again late (its replica died after the
# person had already gone on) is known too, and not applied over the steps that followed it.
KEEP_HANDLED = 16


def redelivered(data: Mapping[str, Any], update_id: int) -> bool:
    """This conversation already holds what this update did."""
    return update_id in _handled(data)


def handled_since(data: Mapping[str, Any], update_id: int) -> bool:
    """Another update of this conversation was stored after this (handled) one: the person
    went on, and had the answers to what he did since."""
    handled = _handled(data)
    return update_id in handled and handled[-1] != update_id


def _handled(data: Mapping[str, Any]) -> list[int]:
    kept = data.get(HANDLED)
    if isinstance(kept, int):  # stored before the list: the last one only
        return [kept]
    return [i for i in kept if isinstance(i, int)] if isinstance(kept, list) else []


_ATOMS = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """A deep copy of a conversation's data, which is JSON (dicts, lists and scalars): a
    handler may change what it read without changing the buffer. copy.deepcopy's general
    machinery cost more than the rest of the buffer on every update."""
    if isinstance(value, dict):
        return {k: v if type(v) in _ATOMS else _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _ATOMS else _copied(v) for v in value]
    return value if type(value) in _ATOMS else copy.deepcopy(value)


class BufferedStorage(BaseStorage):
    def __init__(self, inner: BaseStorage) -> None:
        self.inner = inner

    @property
    def inner(self) -> BaseStorage:
        return self._inner

    @inner.setter
    def inner(self, inner: BaseStorage) -> None:
        # asked once: isinstance against a runtime-checkable Protocol inspects the class's
        # members every time (it showed in the profile of every update)
        self._inner = inner
        self.records: RecordStorage | None = inner if isinstance(inner, RecordStorage) else None

    def _record(self, key: StorageKey) -> _Record | None:
        record = _current.get()
        return record if record is not None and record.key == key else None

    async def _loaded(self, record: _Record) -> _Record:
        if not record.loaded:
            if self.records is not None:
                state, data = await self.records.get_record(record.key)
            else:
                state, data = (await self.inner.get_state(record.key),
                               await self.inner.get_data(record.key))
            record.state = record.changed.get("state", state)
            record.data = record.changed.get("data", data)
            record.handled = _handled(data)
            record.loaded = True
        return record

    @asynccontextmanager
    async def scope(self, key: StorageKey) -> AsyncGenerator[None, None]:
        token = _current.set(_Record(key))
        try:
            yield
        finally:
            record = _current.get()
            _current.reset(token)
            if record is not None:
                await self._flush(record)

    async def _flush(self, record: _Record) -> None:
        if record.changed:
            changed, record.changed = record.changed, {}
            update_id = UPDATE_ID.get()
            cleared = changed.get("state", "") is None and changed.get("data") == {}
            if update_id is not None and record.loaded and not cleared:
                # the ids stored before, even when a handler replaced the data entirely
                kept = [*record.handled, update_id][-KEEP_HANDLED:]
                record.data = changed["data"] = {**record.data, HANDLED: kept}
            await self._write(record.key, changed)

    async def flush(self) -> None:
        """Write what the current update changed so far (nothing outside an update)."""
        record = _current.get()
        if record is not None:
            await self._flush(record)

    async def _write(self, key: StorageKey, values: Mapping[str, Any]) -> None:
        if self.records is not None:
            await self.records.set_record(key, values)
            return
        if "state" in values:
            await self.inner.set_state(key, values["state"])
        if "data" in values:
            await self.inner.set_data(key, values["data"])

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        record = self._record(key)
        if record is None:
            await self.inner.set_state(key, value)
            return
        record.state = record.changed["state"] = value

    async def get_state(self, key: StorageKey) -> str | None:
        record = self._record(key)
        if record is None:
            return await self.inner.get_state(key)
        return (await self._loaded(record)).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        record = self._record(key)
        if record is None:
            await self.inner.set_data(key, data)
            return
        record.data = record.changed["data"] = _copied(dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = self._record(key)
        if record is None:
            return await self.inner.get_data(key)
        return _copied((await self._loaded(record)).data)

    async def close(self) -> None:
        await self.inner.close()


class StoreBeforeSending(BaseRequestMiddleware):
    """The bot's requests wait for the conversation's pending write (see the module doc)."""

    def __init__(self, storage: BufferedStorage) -> None:
        self.storage = storage

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        await self.storage.flush()
        await release()  # no connection held while Telegram answers
        return await make_request(bot, method)


class BufferedIsolation(BaseEventIsolation):
    """The inner isolation's lock, with the conversation buffered while it is held."""

    def __init__(self, inner: BaseEventIsolation, storage: BufferedStorage) -> None:
        self.inner = inner
        self.storage = storage

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self.inner.lock(key), self.storage.scope(key):
            yield

    async def close(self) -> None:
        await self.inner.close()
