"""The dispatcher's filters run on the event loop (bot/inline_filters.py): aiogram sends a
filter that is not a coroutine (a conversation's state, `F.text`, `F.photo`) through the
thread pool, about seven times an update on the New order path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.flows.test_flows import order_steps
from tests.support.flowkit import Harness, harness


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with harness(db_url) as h:
        yield h


async def test_a_whole_new_order_never_goes_through_the_thread_pool(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    hops: list[str] = []
    to_thread = asyncio.to_thread

    async def counted(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        hops.append(repr(func)[:80])
        return await to_thread(func, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", counted)
    c = h.person(501, "Olga")
    for step in order_steps(c):
        await step()
    assert "is placed" in c.last().text  # the same conversation, to its end
    assert hops == []


async def test_filters_still_decide_what_they_did(h: Harness) -> None:
    """A state filter still keeps a text out of a step that waits for a button, and
    `F.photo` / `F.text` still tell a photo from a description."""
    c = h.person(502, "Ivan")
    await c.send("/start")
    await c.click(c.last(), "New order")
    services = c.last()
    await c.send("Something typed where a service is picked")
    assert c.last().text == "Please choose with the buttons above."
    await c.click(services, "Plumbing")
    await c.photo()
    await c.send("The kitchen tap leaks")
    await c.click(c.last(), "Continue")
    assert c.last().text.startswith("Where should the master come?")
    await c.send("Lenina 5, flat 3, Moscow")
    await c.click(c.last(), "Tomorrow")
    await c.press(c.last(), "slot", 2)
    await c.contact("+7 999 000-11-22")
    await c.click(c.last(), "Cash after completion")
    summary = c.last().text
    assert "The kitchen tap leaks" in summary and "Something typed" not in summary
    assert "Photos: 1" in summary
