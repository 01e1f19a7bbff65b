"""Offers of orders to masters: made, accepted, closed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.cas import cas
from db.models import Master, Offer

PENDING = "pending"


def add(s: AsyncSession, order_id: int, master_id: int, now: datetime) -> None:
    s.add(Offer(order_id=order_id, master_id=master_id, created_at=now))


async def accept(s: AsyncSession, order_id: int, master_id: int | None, now: datetime) -> None:
    await cas(s, update(Offer).where(Offer.order_id == order_id, Offer.master_id == master_id,
                                     Offer.status == PENDING)
              .values(status="accepted", decided_at=now))


async def close_pending(s: AsyncSession, order_id: int, status: str,
                        now: datetime) -> set[int]:
    """End the order's pending offer with `status`; returns the user ids of its masters."""
    holders = (await s.scalars(
        select(Master.user_id).join(Offer, Offer.master_id == Master.id)
        .where(Offer.order_id == order_id, Offer.status == PENDING))).all()
    await s.execute(update(Offer).where(Offer.order_id == order_id, Offer.status == PENDING)
                    .values(status=status, decided_at=now))
    return set(holders)


async def last_status(s: AsyncSession, order_id: int, master_id: int) -> str | None:
    """How the last offer of this order to this master ended (or 'pending')."""
    return await s.scalar(select(Offer.status).where(
        Offer.order_id == order_id, Offer.master_id == master_id)
        .order_by(Offer.id.desc()).limit(1))


async def tried(s: AsyncSession, order_id: int) -> set[int]:
    """Masters who declined the order or let its offer expire."""
    return set((await s.scalars(select(Offer.master_id).where(
        Offer.order_id == order_id, Offer.status.in_(("declined", "expired"))))).all())


async def of_master(s: AsyncSession, master_id: int) -> Sequence[Offer]:
    return (await s.scalars(select(Offer).where(Offer.master_id == master_id)
                            .order_by(Offer.id))).all()
