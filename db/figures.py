"""Read-only queries over all orders for the desk: the search, the figures, the export."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, Master, Order, Review, User

# SQLAlchemy's own `autoescape` character; any one works on SQLite and PostgreSQL alike, and
# "/" needs no quoting in either dialect's string literals (a backslash would).
LIKE_ESCAPE = "/"


async def search(s: AsyncSession, like: str, *, phone_digits: str | None,
                 number: int | None, limit: int) -> Sequence[Order]:
    """Orders whose address, area, client's or master's name contains `like` (a LIKE pattern
    of casefolded text), whose phone holds `phone_digits`, or numbered `number`; newest
    first."""
    # Unicode-aware on both backends (SQLite gets casefold() from db.engine).
    fold = func.casefold if s.get_bind().dialect.name == "sqlite" else func.lower
    conditions: list[ColumnElement[bool]] = [
        fold(column).like(like, escape=LIKE_ESCAPE)
        for column in (Order.address, User.first_name, Master.name, Order.area)]
    if phone_digits:
        conditions.append(Order.phone.like(f"%{phone_digits}%"))  # digits only: no wildcards
    if number is not None:
        conditions.append(Order.id == number)
    return (await s.scalars(
        select(Order).join(User, User.id == Order.client_id)
        .outerjoin(Master, Master.id == Order.master_id)
        .where(or_(*conditions)).order_by(Order.id.desc()).limit(limit))).all()


@dataclass(frozen=True)
class Counts:
    by_state: dict[str, int]
    overdue: int
    breaches: int
    rating: float | None
    reviews: int
    waits: list[tuple[datetime, datetime]]  # (submitted, first accepted) per order


async def counts(s: AsyncSession, closed: Sequence[str], breach_actions: Sequence[str]) -> Counts:
    by_state = {str(k): int(v) for k, v in (await s.execute(
        select(Order.status, func.count()).group_by(Order.status))).all()}
    overdue = int(await s.scalar(select(func.count()).select_from(Order).where(
        Order.sla_state == "breach", Order.status.not_in(closed))) or 0)
    breaches = int(await s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action.in_(breach_actions))) or 0)
    rating, reviews = (await s.execute(select(func.avg(Review.stars), func.count())
                                       .select_from(Review))).one()
    first_accept = (select(AuditEntry.order_id, func.min(AuditEntry.created_at).label("at"))
                    .where(AuditEntry.action == "accept")
                    .group_by(AuditEntry.order_id).subquery())
    pairs = (await s.execute(select(Order.created_at, first_accept.c.at)
                             .join(first_accept, first_accept.c.order_id == Order.id))).all()
    return Counts(by_state, overdue, breaches, float(rating) if rating is not None else None,
                  int(reviews), [(created, at) for created, at in pairs])


async def export_rows(s: AsyncSession) -> AsyncIterator[tuple[Order, str | None, Any]]:
    """Every order with its master's name and its review's stars, streamed in order."""
    stars = dict((await s.execute(select(Review.order_id, Review.stars))).all())
    result = await s.stream(select(Order, Master.name)
                            .outerjoin(Master, Master.id == Order.master_id)
                            .order_by(Order.id))
    async for order, master in result:
        yield order, master, stars.get(order.id, "")
