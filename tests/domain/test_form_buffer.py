"""fsm/buffer.py on its own: what one update reads and writes of its conversation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation

from fsm.buffer import BufferedIsolation, BufferedStorage

KEY = StorageKey(bot_id=1, chat_id=10, user_id=10)
OTHER = StorageKey(bot_id=1, chat_id=20, user_id=20)


class Counting(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    async def get_state(self, key: StorageKey) -> str | None:
        self.calls.append(f"get_state {key.chat_id}")
        return await super().get_state(key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self.calls.append(f"get_data {key.chat_id}")
        return await super().get_data(key)

    async def set_state(self, key: StorageKey, state: Any = None) -> None:
        self.calls.append(f"set_state {key.chat_id}")
        await super().set_state(key, state)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self.calls.append(f"set_data {key.chat_id}")
        await super().set_data(key, data)


@pytest.fixture
def stores() -> tuple[Counting, BufferedStorage, BufferedIsolation]:
    inner = Counting()
    buffered = BufferedStorage(inner)
    return inner, buffered, BufferedIsolation(SimpleEventIsolation(), buffered)


async def test_an_update_reads_its_conversation_once_and_writes_it_once(stores) -> None:
    inner, buffered, isolation = stores
    await inner.set_data(KEY, {"draft": {"a": 1}})
    inner.calls.clear()
    async with isolation.lock(KEY):
        assert await buffered.get_state(KEY) is None
        data = await buffered.get_data(KEY)
        data["draft"]["a"] = 2  # a copy: changed only by set_data
        assert (await buffered.get_data(KEY))["draft"] == {"a": 1}
        await buffered.set_state(KEY, "Form:one")
        await buffered.update_data(KEY, {"draft": {"a": 3}})
        await buffered.set_state(KEY, "Form:two")
        assert await buffered.get_state(KEY) == "Form:two"
        assert inner.calls == ["get_state 10", "get_data 10"]  # one read (no record call)
    assert inner.calls[2:] == ["set_state 10", "set_data 10"]  # written once, at the end
    assert await inner.get_state(KEY) == "Form:two"
    assert await inner.get_data(KEY) == {"draft": {"a": 3}}


async def test_other_conversations_and_calls_outside_an_update_go_straight_through(
        stores) -> None:
    inner, buffered, isolation = stores
    async with isolation.lock(KEY):
        await buffered.set_state(OTHER, "Desk:prompt")  # a desk handler touching a client's
        assert inner.calls == ["set_state 20"]
    await buffered.set_data(KEY, {"x": 1})
    assert inner.calls[-1] == "set_data 10"


async def test_what_changed_before_an_error_is_still_stored(stores) -> None:
    inner, buffered, isolation = stores
    with pytest.raises(RuntimeError):
        async with isolation.lock(KEY):
            await buffered.set_state(KEY, "Form:one")
            raise RuntimeError("the handler failed after its step was set")
    assert await inner.get_state(KEY) == "Form:one"


async def test_a_flush_before_sending_is_not_written_again(stores) -> None:
    inner, buffered, isolation = stores
    async with isolation.lock(KEY):
        await buffered.set_state(KEY, "Form:one")
        await buffered.flush()  # what StoreBeforeSending does before a request
        assert await inner.get_state(KEY) == "Form:one"
        writes = len(inner.calls)
    assert len(inner.calls) == writes  # nothing changed since: no second write
    await buffered.flush()  # outside an update: nothing to do
    assert len(inner.calls) == writes


async def test_data_read_or_written_is_a_copy_at_every_depth(stores) -> None:
    """A handler may keep changing what it read or wrote: the buffer (and so what is stored)
    changes only by set_data, whatever the nesting of dicts and lists."""
    inner, buffered, isolation = stores
    await inner.set_data(KEY, {"draft": {"photos": ["a", "b"], "slots": [{"day": 1}]}})
    async with isolation.lock(KEY):
        data = await buffered.get_data(KEY)
        data["draft"]["photos"].append("c")
        data["draft"]["slots"][0]["day"] = 2
        assert await buffered.get_data(KEY) == {
            "draft": {"photos": ["a", "b"], "slots": [{"day": 1}]}}
        written = {"draft": {"photos": ["x"], "slots": [{"day": 5}]}, "n": 1.5, "ok": None}
        await buffered.set_data(KEY, written)
        written["draft"]["photos"].append("y")
        written["draft"]["slots"][0]["day"] = 6
        written["n"] = 0
    assert await inner.get_data(KEY) == {
        "draft": {"photos": ["x"], "slots": [{"day": 5}]}, "n": 1.5, "ok": None}
