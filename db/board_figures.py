"""The board's figures of a period (issue 15): what the charts are drawn from. Each is one
statement over the orders placed in the period [since, until) or the events in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, Order, Review


async def placed(s: AsyncSession, since: datetime, until: datetime
                 ) -> list[tuple[datetime, str]]:
    """When each order of the period was placed, and its state now."""
    return [(at, str(st)) for at, st in (await s.execute(
        select(Order.created_at, Order.status)
        .where(Order.created_at >= since, Order.created_at < until))).all()]


async def assigned(s: AsyncSession, since: datetime, until: datetime
                   ) -> list[tuple[datetime, datetime]]:
    """For the orders of the period a master accepted: placed, first accepted
    (ix_audit_action)."""
    period = (Order.created_at >= since) & (Order.created_at < until)
    first = (select(AuditEntry.order_id, func.min(AuditEntry.created_at).label("at"))
             .where(AuditEntry.action == "accept",
                    AuditEntry.order_id.in_(select(Order.id).where(period)))
             .group_by(AuditEntry.order_id).subquery())
    return [(a, b) for a, b in (await s.execute(
        select(Order.created_at, first.c.at)
        .join(first, first.c.order_id == Order.id))).all()]


async def completed(s: AsyncSession, since: datetime, until: datetime
                    ) -> list[tuple[datetime, datetime]]:
    """For the orders completed in the period: placed, completed."""
    return [(a, b) for a, b in (await s.execute(
        select(Order.created_at, Order.completed_at)
        .where(Order.completed_at >= since, Order.completed_at < until))).all()
            if b is not None]


async def actions(s: AsyncSession, names: Sequence[str], since: datetime, until: datetime
                  ) -> dict[str, int]:
    """How many of these audit actions happened in the period (ix_audit_action)."""
    return {str(a): int(n) for a, n in (await s.execute(
        select(AuditEntry.action, func.count())
        .where(AuditEntry.action.in_(list(names)), AuditEntry.created_at >= since,
               AuditEntry.created_at < until)
        .group_by(AuditEntry.action))).all()}


async def ratings(s: AsyncSession, since: datetime, until: datetime
                  ) -> list[tuple[str, float, int]]:
    """Per service: the average stars of the reviews given in the period, and how many."""
    return [(str(sv), float(avg), int(n)) for sv, avg, n in (await s.execute(
        select(Review.service, func.avg(Review.stars), func.count())
        .where(Review.created_at >= since, Review.created_at < until)
        .group_by(Review.service).order_by(Review.service))).all()]


async def cancellations(s: AsyncSession, since: datetime, until: datetime) -> dict[str, int]:
    """Per reason: the orders of the period that were cancelled."""
    return {str(r or ""): int(n) for r, n in (await s.execute(
        select(Order.reason, func.count())
        .where(Order.status == "cancelled", Order.created_at >= since,
               Order.created_at < until)
        .group_by(Order.reason))).all()}
