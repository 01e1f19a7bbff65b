"""One database session per update (db/scope.py): a desk press reaches the database in one
session and the outbox's delivery in one more; a New order step in one session and at most two
transactions, the person read with the conversation's state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from db.models import Order, OutboxMessage, User
from fsm.storage import SQLStorage
from tests.flows.test_flows import MANAGER, card_of, order_steps, place_order
from tests.support.flowkit import Harness, harness


@dataclass
class Seen:
    sessions: set[int] = field(default_factory=set)
    transactions: int = 0


@contextmanager
def watching() -> Iterator[Seen]:
    """The sessions that reached the database, and the transactions they began."""
    seen = Seen()

    def began(session: Session, *_args: Any) -> None:
        seen.sessions.add(id(session))
        seen.transactions += 1

    event.listen(Session, "after_begin", began)
    try:
        yield seen
    finally:
        event.remove(Session, "after_begin", began)


async def _without_delivery(h: Harness, step: Callable[[], Awaitable[None]]) -> Seen:
    """What one update did alone (the harness delivers the outbox after each update)."""
    flush = h.flush

    async def nothing() -> None:
        return None

    h.flush = nothing  # type: ignore[method-assign]
    try:
        with watching() as seen:
            await step()
    finally:
        h.flush = flush  # type: ignore[method-assign]
    return seen


async def test_a_desk_press_is_one_session_and_its_delivery_one_more(db_url: str) -> None:
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        c = h.person(501, "Olga")
        order_id = await place_order(h, c)
        thread, card = card_of(h, order_id)
        mgr = h.manager(MANAGER, thread_id=thread)
        await mgr.click(card, "Reject")  # the reasons (and the manager is stored)
        seen = await _without_delivery(h, lambda: mgr.click(card, "No masters available"))
        assert len(seen.sessions) == 1 and seen.transactions == 1
        async with h.app.ctx.tx() as s:
            assert (await s.get(Order, order_id)).status == "rejected"  # type: ignore[union-attr]
        with watching() as delivery:
            await h.app.sender.run_once()
        assert len(delivery.sessions) == 1
        async with h.app.ctx.tx() as s:  # everything it sent is settled
            assert await s.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status == "pending")) == 0
        assert "was rejected" in c.last().text  # the client's notice went out in that pass
        assert "Status: <b>Rejected</b>" in card.text  # type: ignore[attr-defined]


async def test_new_order_steps_are_one_session_and_at_most_two_transactions(
        db_url: str) -> None:
    async with harness(db_url) as h:
        c = h.person(502, "Piotr")
        steps = order_steps(c)
        total = 0
        for step in steps:
            seen = await _without_delivery(h, step)
            assert len(seen.sessions) == 1
            assert seen.transactions <= 2
            total += seen.transactions
        assert total <= 2 * len(steps) - 2  # most steps take one or two, the reads ride along
        assert "is placed" in c.last().text
        async with h.app.ctx.tx() as s:
            assert await s.scalar(select(Order.description)) == "The kitchen tap leaks"


async def test_a_renamed_person_is_stored_in_the_updates_session(db_url: str) -> None:
    async with harness(db_url) as h:
        c = h.person(503, "Rita")
        await c.send("/start")
        c.name = "Rita Nowak"
        seen = await _without_delivery(h, lambda: c.send("/help"))
        assert len(seen.sessions) == 1
        async with h.app.ctx.tx() as s:
            user = await s.get(User, 503)
            assert user is not None and user.first_name == "Rita Nowak"


async def test_the_sender_is_woken_by_messages_queued_not_by_every_update(db_url: str) -> None:
    async with harness(db_url) as h:
        woken: list[int] = []
        h.app.ctx.on_outbox = lambda: woken.append(1)
        c = h.person(504, "Sara")
        await c.send("/start")
        await c.click(c.last(), "New order")
        await c.click(c.last(), "Plumbing")
        await c.send("The kitchen tap leaks")
        assert woken == []  # conversation steps queue nothing for anyone else
        await c.click(c.last(), "Continue")
        await c.send("Lenina 5, flat 3, Moscow")
        await c.click(c.last(), "Tomorrow")
        await c.press(c.last(), "slot", 2)
        await c.contact("+7 999 000-11-22")
        await c.click(c.last(), "Cash after completion")
        assert woken == []
        await c.click(c.last(), "Confirm")  # the order, its topic and card for the desk
        assert len(woken) == 1


async def test_a_new_order_step_reads_and_writes_its_conversation_once(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The conversation's state and draft are one record: read at most once and written at
    most once per update, however many times the handlers ask for them."""
    calls: list[str] = []
    get_record, set_record = SQLStorage.get_record, SQLStorage.set_record

    async def counted_get(self: SQLStorage, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        calls.append("read")
        return await get_record(self, key)

    async def counted_set(self: SQLStorage, key: StorageKey, values: Mapping[str, Any]) -> None:
        calls.append("write")
        await set_record(self, key, values)

    monkeypatch.setattr(SQLStorage, "get_record", counted_get)
    monkeypatch.setattr(SQLStorage, "set_record", counted_set)
    async with harness(db_url) as h:
        c = h.person(503, "Vera")
        writes = 0
        for step in order_steps(c):
            calls.clear()
            await step()
            assert calls.count("read") <= 1 and calls.count("write") <= 1, calls
            writes += calls.count("write")
        assert writes >= len(order_steps(c)) - 2  # the steps did keep the conversation
        assert "is placed" in c.last().text
