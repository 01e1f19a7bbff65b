"""Limits per person (issue 9, item 6): a client's open orders and orders a day are capped, so
one person cannot flood the desk; refusals are clear, store nothing and keep the draft."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.services.base import Context
from bot.services.orders import cancel_order, submit_order
from db.models import Order, OutboxMessage
from tests.flowkit import Harness, harness
from tests.test_flows import MANAGER, place_order, place_order_until_summary

try:
    from conftest import FixedClock, complete_draft, make_client, make_order
except ImportError:  # tests/ became a package
    from tests.conftest import FixedClock, complete_draft, make_client, make_order

CLIENT = 3001
# 23:00 local in Warsaw (UTC+1 in March): the local day ends an hour later
LATE = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with harness(db_url, admin_ids=[MANAGER], max_open_orders=2, max_orders_per_day=3,
                       timezone="Europe/Warsaw") as h:
        h.app.ctx.clock = FixedClock(LATE)
        yield h


def clock_of(h: Harness) -> FixedClock:
    assert isinstance(h.app.ctx.clock, FixedClock)
    return h.app.ctx.clock


async def orders_of(h: Harness, uid: int = CLIENT) -> int:
    async with h.app.ctx.tx() as s:
        return int(await s.scalar(select(func.count()).select_from(Order)
                                  .where(Order.client_id == uid)) or 0)


async def outbox_rows(h: Harness) -> int:
    async with h.app.ctx.tx() as s:
        return int(await s.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_open_orders_are_capped_up_front_and_at_confirm_and_the_draft_is_kept(
        h: Harness) -> None:
    anna = h.person(CLIENT, "Anna")
    first = await place_order(h, anna)
    # a draft begun while under the cap...
    await place_order_until_summary(h, anna)
    summary = anna.last()
    # ...while a second order is placed elsewhere (another device, a second process)
    await make_order(h.app.ctx, CLIENT)
    rows = await outbox_rows(h)

    await anna.click(summary, "Confirm")
    assert "maximum number of open orders (2)" in h.session.alerts()[-1]
    assert await orders_of(h) == 2 and await outbox_rows(h) == rows  # nothing stored

    # a New order is refused before he types anything (and the draft is not replaced)
    await anna.send("/new")
    assert "maximum number of open orders (2)" in anna.last().text
    menu = [m for m in h.session.to(CLIENT) if "New order" in " ".join(m.buttons())][-1]
    refused = anna.last()
    await anna.click(menu, "New order")
    assert "maximum number of open orders (2)" in h.session.alerts()[-1]
    assert anna.last() is refused  # no "Which service?"

    # once one is cancelled, the kept draft is confirmed as it was typed
    await cancel_order(h.app.ctx, Actor(CLIENT), first, "changed_mind")
    await anna.click(summary, "Confirm")
    assert "is placed" in anna.last().text
    async with h.app.ctx.tx() as s:
        newest = await s.scalar(select(Order).order_by(Order.id.desc()).limit(1))
        assert newest is not None and newest.description == "Assemble a wardrobe"


async def test_orders_a_day_are_capped_until_the_local_day_ends(h: Harness) -> None:
    anna = h.person(CLIENT, "Anna")
    for _ in range(3):
        order_id = await place_order(h, anna)
        await cancel_order(h.app.ctx, Actor(CLIENT), order_id, "changed_mind")
    await anna.send("/new")  # nothing open, but three today
    assert "daily limit of new orders (3)" in anna.last().text
    assert await orders_of(h) == 3

    clock_of(h).advance(minutes=59)  # 23:59 in Warsaw: still today
    await anna.send("/new")
    assert "daily limit of new orders (3)" in anna.last().text
    clock_of(h).advance(minutes=1)  # midnight: a new day
    await place_order(h, anna)
    assert await orders_of(h) == 4

    # another client is not held by Anna's orders
    boris = h.person(CLIENT + 1, "Boris")
    await place_order(h, boris)
    assert await orders_of(h, CLIENT + 1) == 1


async def test_a_second_confirm_of_the_same_draft_at_the_cap_answers_with_its_order(
        ctx: Context) -> None:
    """The cap never turns a double tap on Confirm into a refusal: the order exists."""
    ctx.policy.max_open_orders = 1
    await make_client(ctx, CLIENT)
    draft = complete_draft()
    first = await submit_order(ctx, CLIENT, draft)
    assert (await submit_order(ctx, CLIENT, draft)).id == first.id
    with pytest.raises(NotAllowed) as refused:
        await submit_order(ctx, CLIENT, complete_draft())
    assert refused.value.key == "error.open_orders_cap"
