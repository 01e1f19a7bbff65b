"""Read-only queries of the desk board (issue 15): the open orders with their clocks, one
order's timeline, the masters' register with their figures. The figures of a period:
db/board_figures.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.figures import matching
from db.models import AuditEntry, Deadline, Master, Order, Review, User


@dataclass(frozen=True)
class Search:
    like: str
    phone_digits: str | None
    number: int | None


@dataclass(frozen=True)
class OpenFilter:
    statuses: Sequence[str]
    service: str | None = None
    district: str | None = None
    master_id: int | None = None
    breached: bool = False
    search: Search | None = None


def _where(s: AsyncSession, f: OpenFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Order.status.in_(list(f.statuses))]
    if f.service:
        where.append(Order.service == f.service)
    if f.district:
        where.append(Order.district == f.district)
    if f.master_id is not None:
        where.append((Order.master_id == f.master_id)
                     | (Order.offered_master_id == f.master_id))
    if f.breached:
        where.append(Order.sla_state == "breach")
    if f.search is not None:
        where.append(matching(s, f.search.like, phone_digits=f.search.phone_digits,
                              number=f.search.number))
    return where


async def open_orders(s: AsyncSession, f: OpenFilter, limit: int) -> tuple[Sequence[Order], int]:
    """Up to `limit` orders the filter keeps, oldest first (ix_orders_status), and how many
    it keeps in all."""
    query = select(Order)
    if f.search is not None:  # the search looks at the client's and the master's names too
        query = (query.join(User, User.id == Order.client_id)
                 .outerjoin(Master, Master.id == Order.master_id))
    query = query.where(*_where(s, f))
    rows = (await s.scalars(query.order_by(Order.created_at, Order.id).limit(limit))).all()
    if len(rows) < limit:
        return rows, len(rows)
    total = await s.scalar(select(func.count()).select_from(query.subquery()))
    return rows, int(total or 0)


async def stamp(s: AsyncSession, statuses: Sequence[str]) -> tuple[Any, ...]:
    """What changes whenever the open orders or their clocks do: how many are open, the last
    change of an order, the last deadline planned and the last one fired (indexes and the
    primary key: no order is loaded)."""
    open_count = await s.scalar(select(func.count()).select_from(Order)
                                .where(Order.status.in_(list(statuses))))
    changed = await s.scalar(select(func.max(Order.updated_at)))
    planned, fired = (await s.execute(select(func.max(Deadline.id),
                                             func.max(Deadline.fired_at)))).one()
    return open_count, changed, planned, fired


@dataclass(frozen=True)
class Clock:
    kind: str
    due_at: datetime
    paused: bool


async def next_clocks(s: AsyncSession, order_ids: Iterable[int],
                      kinds: Iterable[str]) -> dict[int, Clock]:
    """Each order's pending deadline of these kinds that falls due first
    (ix_deadlines_order)."""
    rows = (await s.execute(
        select(Deadline.order_id, Deadline.kind, Deadline.due_at, Deadline.paused_at)
        .where(Deadline.order_id.in_(list(order_ids)), Deadline.state == "pending",
               Deadline.kind.in_(list(kinds))))).all()
    out: dict[int, Clock] = {}
    for order_id, kind, due, paused in rows:
        if order_id not in out or due < out[order_id].due_at:
            out[order_id] = Clock(kind, due, paused is not None)
    return out


async def audit_of(s: AsyncSession, order_id: int) -> Sequence[AuditEntry]:
    return (await s.scalars(select(AuditEntry).where(AuditEntry.order_id == order_id)
                            .order_by(AuditEntry.created_at, AuditEntry.id))).all()


async def deadlines_of(s: AsyncSession, order_id: int) -> Sequence[Deadline]:
    return (await s.scalars(select(Deadline).where(Deadline.order_id == order_id)
                            .order_by(Deadline.created_at, Deadline.id))).all()


async def names(s: AsyncSession, user_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(user_ids))
    return {int(i): str(n) for i, n in (await s.execute(
        select(User.id, User.first_name).where(User.id.in_(ids)))).all()}


async def master_names(s: AsyncSession) -> list[tuple[int, str]]:
    """The approved masters, by name: the board's master filter."""
    return [(int(i), str(n)) for i, n in (await s.execute(
        select(Master.id, Master.name).where(Master.status == "approved")
        .order_by(Master.name, Master.id))).all()]


async def masters(s: AsyncSession, limit: int) -> Sequence[Master]:
    return (await s.scalars(select(Master).order_by(Master.status, Master.name, Master.id)
                            .limit(limit))).all()


async def per_master(s: AsyncSession, statuses: Sequence[str]) -> dict[int, int]:
    """How many orders in these states each master has (ix_orders_status)."""
    return {int(m): int(n) for m, n in (await s.execute(
        select(Order.master_id, func.count()).where(Order.status.in_(list(statuses)),
                                                    Order.master_id.is_not(None))
        .group_by(Order.master_id))).all() if m is not None}


async def ratings(s: AsyncSession) -> dict[int, dict[str, tuple[float, int]]]:
    """Per master and service: the average stars and how many reviews
    (ix_reviews_master)."""
    out: dict[int, dict[str, tuple[float, int]]] = {}
    for master_id, service, avg, n in (await s.execute(
            select(Review.master_id, Review.service, func.avg(Review.stars), func.count())
            .group_by(Review.master_id, Review.service))).all():
        out.setdefault(int(master_id), {})[str(service)] = (float(avg), int(n))
    return out


async def discipline(s: AsyncSession, actions: Sequence[str]) -> dict[int, dict[str, int]]:
    """Per master: how many of these audit actions (missed clocks) name him."""
    out: dict[int, dict[str, int]] = {}
    for master_id, action, n in (await s.execute(
            select(AuditEntry.master_id, AuditEntry.action, func.count())
            .where(AuditEntry.action.in_(list(actions)), AuditEntry.master_id.is_not(None))
            .group_by(AuditEntry.master_id, AuditEntry.action))).all():
        if master_id is None:
            continue
        out.setdefault(int(master_id), {})[str(action)] = int(n)
    return out
