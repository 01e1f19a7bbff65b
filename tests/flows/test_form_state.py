"""A New order step reads and writes its conversation state once (fsm/buffer.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendMessage
from aiogram.types import Update
from sqlalchemy import func, select

from db.models import FsmRecord
from fsm.buffer import BufferedStorage
from fsm.draft import OrderDraft
from fsm.storage import SQLStorage
from tests.support.flowkit import Person, harness


class CountingStorage(SQLStorage):
    """The SQL storage, counting its round trips."""

    reads = 0
    writes = 0

    async def get_state(self, key: StorageKey) -> str | None:
        self.reads += 1
        return await super().get_state(key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self.reads += 1
        return await super().get_data(key)

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        self.reads += 1
        return await super().get_record(key)

    async def _upsert(self, key: StorageKey, **values: Any) -> None:
        self.writes += 1
        await super()._upsert(key, **values)

    async def set_record(self, key: StorageKey, values: Mapping[str, Any]) -> None:
        if not values.get("data") and values.get("state", "") is None:
            self.writes += 1  # the delete of a cleared conversation
        await super().set_record(key, values)


def _counting(h: Any) -> CountingStorage:
    buffered = h.app.dispatcher.fsm.storage
    assert isinstance(buffered, BufferedStorage)
    counting = CountingStorage(h.app.ctx.sessions, h.app.ctx.clock)
    buffered.inner = counting
    return counting



async def to_address(c: Person, description: str) -> None:
    """New order up to the address step."""
    await c.send("/new")
    await c.click(c.last(), "Plumbing")
    await c.send(description)
    await c.click(c.last(), "Continue")

async def test_each_new_order_step_reads_and_writes_the_conversation_once(db_url: str) -> None:
    async with harness(db_url) as h:
        c = h.person(100, "Anna")
        counting = _counting(h)
        steps = [
            lambda: c.send("/new"),
            lambda: c.click(c.last(), "Plumbing"),
            lambda: c.send("Leaking tap"),
            lambda: c.click(c.last(), "Continue"),
            lambda: c.send("Lenina 5, Moscow"),
            lambda: c.click(c.last(), "Urgent"),
            lambda: c.contact("+79990001122"),
            lambda: c.click(c.last(), "Cash after completion"),
        ]
        for step in steps:
            counting.reads = counting.writes = 0
            await step()
            assert (counting.reads, counting.writes) == (1, 1)
        assert "Leaking tap" in c.last().text and "Lenina 5, Moscow" in c.last().text
        counting.reads = counting.writes = 0
        await c.click(c.last(), "Confirm")
        assert (counting.reads, counting.writes) == (1, 1)  # the conversation is cleared
        assert "is placed" in c.last().text
        async with h.app.ctx.tx() as s:
            assert await s.scalar(select(func.count()).select_from(FsmRecord)) == 0


async def test_a_refused_input_loses_nothing_and_writes_nothing(db_url: str) -> None:
    async with harness(db_url) as h:
        c = h.person(100, "Anna")
        await to_address(c, "Leaking tap")
        counting = _counting(h)
        await c.send("/x")  # too short for an address
        assert (counting.reads, counting.writes) == (1, 0)
        await c.send("Lenina 5, Moscow")
        assert "When should the master come?" in c.last().text


class StoredWhenSent(BaseRequestMiddleware):
    """Records, for every message the bot sends, the conversation state stored at that moment."""

    def __init__(self, storage: SQLStorage, key: StorageKey) -> None:
        self.storage, self.key = storage, key
        self.seen: list[tuple[str, str | None]] = []

    async def __call__(self, make_request: Any, bot: Any, method: Any) -> Any:
        if isinstance(method, SendMessage):
            self.seen.append((method.text, await self.storage.get_state(self.key)))
        return await make_request(bot, method)


async def test_a_prompt_is_sent_only_once_its_step_is_stored(db_url: str) -> None:
    """A crash right after a prompt reached the person finds the conversation at it."""
    async with harness(db_url) as h:
        c = h.person(100, "Anna")
        probe = StoredWhenSent(SQLStorage(h.app.ctx.sessions),
                               StorageKey(bot_id=h.bot.id, chat_id=100, user_id=100))
        h.bot.session.middleware(probe)  # innermost: after the buffered write
        await to_address(c, "Leaking tap")
        await c.send("Lenina 5, Moscow")
        await c.click(c.last(), "Urgent")
        prompts = {text.split(" ")[0]: stored for text, stored in probe.seen}
        assert prompts["Which"] == "NewOrder:service"
        assert prompts["Describe"] == "NewOrder:description"
        assert prompts["Where"] == "NewOrder:address"
        assert prompts["When"] == "NewOrder:time"
        assert prompts["Share"] == "NewOrder:phone"


async def test_an_update_delivered_again_after_its_step_was_stored_is_not_applied_twice(
        db_url: str) -> None:
    """Behind a webhook, a process that dies after storing a step but before answering 200
    gets the same update again (on another replica): the step is not applied twice, and its
    prompt is asked again (never "I did not understand", never a second "Added"); delivered
    again after the person went on (a later update of his was handled since), it is let go
    in silence: a question asked again then reads as the answer to what he did since."""

    async with harness(db_url) as h:
        c = h.person(101, "Bora")
        await c.send("/new")
        await c.click(c.last(), "Plumbing")
        again = Update(update_id=next(h.ids), message=c._message(text="The tap drips"))
        await h.feed(again)
        answers = len(h.session.to(101))
        await h.feed(again)  # delivered again: already stored
        assert len(h.session.to(101)) == answers + 1
        assert "Describe the problem" in c.last().text  # the step's own prompt, once more
        assert not any("Added" in m.text for m in h.session.to(101)[answers:])
        storage = h.app.dispatcher.fsm.storage
        assert isinstance(storage, BufferedStorage)
        inner = storage.inner
        assert isinstance(inner, SQLStorage)
        _state, data = await inner.get_record(StorageKey(bot_id=h.bot.id, chat_id=101,
                                                         user_id=101))
        draft = OrderDraft.model_validate(data["draft"])
        assert draft.description == "The tap drips"  # once, not "The tap drips\nThe tap drips"
        await c.send("The water is hot")  # the next update goes on as usual
        assert "Added" in c.last().text
        sent = len(h.session.to(101))
        await h.feed(again)  # late, after the next step: still known, still not applied,
        assert len(h.session.to(101)) == sent  # and not asked again: he has had his answers
        await c.click(c.last(), "Continue")
        assert "Where should the master come?" in c.last().text
        _state, data = await inner.get_record(StorageKey(bot_id=h.bot.id, chat_id=101,
                                                         user_id=101))
        assert OrderDraft.model_validate(data["draft"]).description == (
            "The tap drips\nThe water is hot")


class Died(BaseException):
    """The process dies: nothing catches it, nothing more is sent."""


async def test_a_step_stored_by_a_process_that_died_before_its_prompt_is_asked_again(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The step was stored (it always is before anything is sent) and the process died before
    the prompt went out: the update delivered again sends the prompt with its buttons, so the
    client can go on instead of waiting for a question that never comes."""
    async with harness(db_url) as h:
        c = h.person(102, "Jana")
        await to_address(c, "The tap drips")
        make_request = h.session.make_request
        requests = 0

        async def dies(*args: Any, **kwargs: Any) -> Any:
            nonlocal requests
            requests += 1
            if requests == 2:  # "Address saved." went; the next step is stored, then death
                raise Died
            return await make_request(*args, **kwargs)

        monkeypatch.setattr(h.session, "make_request", dies)
        address = Update(update_id=next(h.ids), message=c._message(text="Lenina 5, Moscow"))
        with pytest.raises(Died):
            await h.feed(address)
        monkeypatch.setattr(h.session, "make_request", make_request)
        assert c.last().text == "Address saved."  # and not the question
        sent_before = len(h.session.to(102))
        await h.feed(address)  # Telegram delivers it again, to a live process
        asked = c.last()
        assert "When should the master come?" in asked.text  # the next step's question
        assert "Tomorrow" in asked.buttons()  # with its buttons
        assert len(h.session.to(102)) == sent_before + 1  # the question alone, once
        await c.click(asked, "Tomorrow")  # and the client goes on
        assert c.last().buttons()  # the time slots
        storage = h.app.dispatcher.fsm.storage
        assert isinstance(storage, BufferedStorage)
        _state, data = await storage.inner.get_record(  # type: ignore[attr-defined]
            StorageKey(bot_id=h.bot.id, chat_id=102, user_id=102))
        assert data["draft"]["address"] == "Lenina 5, Moscow"
