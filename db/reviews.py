"""Clients' reviews of masters' work."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Review


async def of_order(s: AsyncSession, order_id: int) -> Review | None:
    return await s.scalar(select(Review).where(Review.order_id == order_id))


_OF_ORDERS = select(Review).where(Review.order_id.in_(bindparam("ids", expanding=True)))


async def of_orders(s: AsyncSession, order_ids: Iterable[int]) -> dict[int, Review]:
    """Built once: every view of orders (a desk card's redraw among them) reads them."""
    return {r.order_id: r for r in (await s.scalars(_OF_ORDERS, {"ids": list(order_ids)})).all()}


async def add(s: AsyncSession, review: Review) -> None:
    """Written at once: the unique order id refuses a second review of one order here."""
    s.add(review)
    await s.flush()
