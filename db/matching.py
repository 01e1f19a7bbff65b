"""What matching reads about masters: who may serve a category, and the counts behind each
one's record (reviews, jobs done, load, discipline), for many masters in a fixed number of
queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, Master, MasterService, Order, Review


async def _by_master(s: AsyncSession, stmt: Select[int | None, int]) -> dict[int, int]:
    return {int(k): int(v) for k, v in (await s.execute(stmt)).all() if k is not None}


async def mean_stars(s: AsyncSession, service: str) -> float | None:
    mean = await s.scalar(select(func.avg(Review.stars)).where(Review.service == service))
    return float(mean) if mean is not None else None


async def review_totals(s: AsyncSession, master_ids: Sequence[int],
                        service: str) -> dict[int, tuple[int, int]]:
    """Per master: (sum of stars, number of reviews) in the category."""
    return {int(m): (int(total or 0), int(n)) for m, total, n in (await s.execute(
        select(Review.master_id, func.sum(Review.stars), func.count())
        .where(Review.master_id.in_(master_ids), Review.service == service)
        .group_by(Review.master_id))).all()}


async def orders_per_master(s: AsyncSession, master_ids: Sequence[int],
                            statuses: Sequence[str], service: str | None = None
                            ) -> dict[int, int]:
    """Per master: his orders in these states (of one category, when given)."""
    stmt = (select(Order.master_id, func.count())
            .where(Order.master_id.in_(master_ids), Order.status.in_(statuses))
            .group_by(Order.master_id))
    if service is not None:
        stmt = stmt.where(Order.service == service)
    return await _by_master(s, stmt)


async def discipline_counts(s: AsyncSession, master_ids: Sequence[int],
                            actions: Sequence[str]) -> dict[int, dict[str, int]]:
    """Per master: how often each discipline action is in his audit record."""
    counts: dict[int, dict[str, int]] = {}
    for mid, action, n in (await s.execute(
            select(AuditEntry.master_id, AuditEntry.action, func.count())
            .where(AuditEntry.master_id.in_(master_ids), AuditEntry.action.in_(actions))
            .group_by(AuditEntry.master_id, AuditEntry.action))).all():
        if mid is not None:
            counts.setdefault(int(mid), {})[str(action)] = int(n)
    return counts


async def all_reviews(s: AsyncSession, master_id: int) -> tuple[int, int]:
    """(sum of stars, number of reviews) across all categories."""
    total, n = (await s.execute(select(func.sum(Review.stars), func.count())
                                .where(Review.master_id == master_id))).one()
    return int(total or 0), int(n)


async def eligible(s: AsyncSession, service: str) -> list[Any]:
    """Verified, unblocked, approved masters who do this service: rows of (id, user_id, name,
    districts, on_duty)."""
    return list((await s.execute(
        select(Master.id, Master.user_id, Master.name, Master.districts, Master.on_duty)
        .join(MasterService, MasterService.master_id == Master.id)
        .where(MasterService.service == service, Master.verified.is_(True),
               Master.blocked.is_(False), Master.status == "approved"))).all())


async def offers_waiting(s: AsyncSession, except_order: int) -> dict[int, int]:
    """Per master: orders offered to him and not answered yet, other than this one."""
    return await _by_master(s, select(Order.offered_master_id, func.count())
                            .where(Order.status == "offered",
                                   Order.offered_master_id.is_not(None),
                                   Order.id != except_order)
                            .group_by(Order.offered_master_id))
