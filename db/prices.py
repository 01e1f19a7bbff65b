"""The price items of orders: quotes and extras, and the client's answers to them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pricing import PROPOSED, WITHDRAWN
from db.cas import cas
from db.models import PriceItem


async def get(s: AsyncSession, item_id: int) -> PriceItem | None:
    return await s.get(PriceItem, item_id)


_OF_ORDERS = (select(PriceItem).where(PriceItem.order_id.in_(bindparam("ids", expanding=True)))
              .order_by(PriceItem.id).execution_options(populate_existing=True))


async def of_orders(s: AsyncSession, order_ids: Iterable[int]) -> Sequence[PriceItem]:
    """Read fresh: compare-and-set UPDATEs move rows this session may hold. Built once: every
    view of orders (a desk card's redraw among them) reads them."""
    return (await s.scalars(_OF_ORDERS, {"ids": list(order_ids)})).all()


async def add(s: AsyncSession, item: PriceItem) -> PriceItem:
    s.add(item)
    await s.flush()
    return item


async def withdraw_open(s: AsyncSession, order_id: int, now: datetime, *,
                        kind: str | None = None) -> None:
    """What the client has not answered (of one kind, or all) is withdrawn."""
    stmt = update(PriceItem).where(PriceItem.order_id == order_id, PriceItem.status == PROPOSED)
    if kind is not None:
        stmt = stmt.where(PriceItem.kind == kind)
    await s.execute(stmt.values(status=WITHDRAWN, decided_at=now))


async def decide(s: AsyncSession, item_id: int, status: str, now: datetime) -> None:
    """The client's answer; an item already answered is not answered again."""
    await cas(s, update(PriceItem).where(PriceItem.id == item_id, PriceItem.status == PROPOSED)
              .values(status=status, decided_at=now)
              .execution_options(synchronize_session=False), conflict="error.price_decided")

