"""Lists of orders (my orders, the SLA board, /find) are read in a fixed number of SQL
statements, whatever the number of orders: no query per order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.domain.views import OrderView
from bot.services.base import Context
from bot.services.deadlines import sla_board
from bot.services.field import mark_contacted
from bot.services.figures import find_orders
from bot.services.offers import accept_offer, offer_order
from bot.services.orders import my_orders
from bot.services.pricing import send_quote
from db.models import Order

try:
    from conftest import DESK, make_client, make_master, make_order, master_actor
except ImportError:  # tests/ became a package
    from tests.conftest import DESK, make_client, make_master, make_order, master_actor

# The clients as make_order names them.
CLIENTS = {1: (4201, "Client4201"), 20: (4202, "Client4202")}


async def _orders(ctx: Context, client: int, name: str, n: int,
                  masters: list[Actor]) -> list[int]:
    """`n` orders of one client in the states a view reads most around: waiting at the desk,
    offered to a master (the offer's expiry), taken by one (his name, a quote after the
    call); only they are at risk on the SLA board."""
    await make_client(ctx, client, name)
    ids = []
    for i in range(n):
        order = await make_order(ctx, client, description=f"Leak number {i}")
        master = masters[i % len(masters)]
        if i % 3:
            assert master.master_id is not None
            await offer_order(ctx, DESK, order.id, master.master_id)
        if i % 3 == 2:
            await accept_offer(ctx, master, order.id)
            await mark_contacted(ctx, master, order.id)
            await send_quote(ctx, master, order.id, 5000)
        ids.append(order.id)
    async with ctx.tx() as s:
        await s.execute(update(Order).values(sla_state="ok"))
        await s.execute(update(Order).where(Order.id.in_(ids)).values(sla_state="risk"))
    return ids


async def _statements(engine: AsyncEngine, read: Callable[[Context], Awaitable[list[Any]]],
                      ctx: Context) -> tuple[int, list[Any]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        result = await read(ctx)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(seen), result


def _views(client: int, name: str) -> dict[str, Callable[[Context], Awaitable[list[Any]]]]:
    return {"my_orders": lambda ctx: my_orders(ctx, client),
            "sla_board": lambda ctx: sla_board(ctx, DESK),
            "find": lambda ctx: find_orders(ctx, DESK, name)}


def _order(row: Any) -> OrderView:
    return row if isinstance(row, OrderView) else row.order


@pytest.mark.parametrize("view", ["my_orders", "sla_board", "find"])
async def test_a_list_of_orders_costs_the_same_statements_for_1_or_20(
        view: str, engine: AsyncEngine, ctx: Context) -> None:
    masters = [master_actor(await make_master(ctx, uid)) for uid in (7001, 7002)]
    counts = {}
    for n, (client, name) in CLIENTS.items():
        ids = await _orders(ctx, client, name, n, masters)
        counts[n], rows = await _statements(engine, _views(client, name)[view], ctx)
        orders = [_order(r) for r in rows]
        assert sorted(o.id for o in orders) == ids  # every order listed...
        if n > 1:  # ...with what each one's state shows
            assert {o.status for o in orders} == {Status.SUBMITTED, Status.OFFERED,
                                                  Status.CONTACTED}
            assert all(o.offer_expires_at for o in orders if o.status == Status.OFFERED)
            assert all(o.master_name and o.price_items for o in orders
                       if o.status == Status.CONTACTED)
    assert counts[20] == counts[1], counts  # ...and no statement per order
