"""Read-only queries over all orders for the desk: the search, the figures, the export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, Master, Order, Review, User

# SQLAlchemy's own `autoescape` character; any one works on SQLite and PostgreSQL alike, and
# "/" needs no quoting in either dialect's string literals (a backslash would).
LIKE_ESCAPE = "/"


def matching(s: AsyncSession, like: str, *, phone_digits: str | None,
             number: int | None) -> ColumnElement[bool]:
    """The search's condition over Order joined with its client (User) and its master: the
    address, area, client's or master's name contains `like` (a LIKE pattern of casefolded
    text), the phone holds `phone_digits`, or the order is numbered `number`."""
    # Unicode-aware on both backends (SQLite gets casefold() from db.engine).
    fold = func.casefold if s.get_bind().dialect.name == "sqlite" else func.lower
    conditions: list[ColumnElement[bool]] = [
        fold(column).like(like, escape=LIKE_ESCAPE)
        for column in (Order.address, User.first_name, Master.name, Order.area)]
    if phone_digits:
        conditions.append(Order.phone.like(f"%{phone_digits}%"))  # digits only: no wildcards
    if number is not None:
        conditions.append(Order.id == number)
    return or_(*conditions)


async def search(s: AsyncSession, like: str, *, phone_digits: str | None,
                 number: int | None, limit: int) -> Sequence[Order]:
    """Orders matching the search (`matching`), newest first."""
    return (await s.scalars(
        select(Order).join(User, User.id == Order.client_id)
        .outerjoin(Master, Master.id == Order.master_id)
        .where(matching(s, like, phone_digits=phone_digits, number=number))
        .order_by(Order.id.desc()).limit(limit))).all()


@dataclass(frozen=True)
class Counts:
    by_state: dict[str, int]
    overdue: int
    breaches: int
    rating: float | None
    reviews: int
    last_order: int  # the highest order number, where assign_waits stops


def _minutes(s: AsyncSession, start: Any, end: Any) -> ColumnElement[Any]:
    """Minutes from `start` to `end` (UTC datetime columns) in SQL: SQLite stores them as ISO
    text (julianday reads it to the millisecond), PostgreSQL as timestamps."""
    if s.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 1440.0
    return func.extract("epoch", end - start) / 60.0


async def counts(s: AsyncSession, closed: Sequence[str], breach_actions: Sequence[str]) -> Counts:
    """The desk's figures but the time to assign, each an aggregate the database computes over
    an index (ix_orders_status, ix_orders_sla, ix_audit_action): no order is loaded."""
    by_state = {str(k): int(v) for k, v in (await s.execute(
        select(Order.status, func.count()).group_by(Order.status))).all()}
    overdue = int(await s.scalar(select(func.count()).select_from(Order).where(
        Order.sla_state == "breach", Order.status.not_in(closed))) or 0)
    breaches = int(await s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action.in_(breach_actions))) or 0)
    rating, reviews = (await s.execute(select(func.avg(Review.stars), func.count())
                                       .select_from(Review))).one()
    last = await s.scalar(select(func.max(Order.id)))
    return Counts(by_state, overdue, breaches, float(rating) if rating is not None else None,
                  int(reviews), int(last or 0))


async def assign_waits(s: AsyncSession, above: int, upto: int) -> tuple[float, int]:
    """For the orders numbered above `above` up to `upto` that a master accepted: the sum of
    the minutes from submission to the first acceptance, and how many they are. A range of
    order numbers reads a range of ix_audit_action and of the primary key, so the caller can
    split a big desk into short statements (one connection on SQLite: others wait meanwhile)."""
    first_accept = (select(AuditEntry.order_id, func.min(AuditEntry.created_at).label("at"))
                    .where(AuditEntry.action == "accept", AuditEntry.order_id > above,
                           AuditEntry.order_id <= upto)
                    .group_by(AuditEntry.order_id).subquery())
    total, count = (await s.execute(
        select(func.sum(_minutes(s, Order.created_at, first_accept.c.at)), func.count())
        .select_from(Order).join(first_accept, first_accept.c.order_id == Order.id))).one()
    return float(total or 0), int(count)


# The export's columns: no phone, no address (bot/services/figures.py).
EXPORT_COLUMNS = (Order.id, Order.created_at, Order.status, Order.service, Order.district,
                  Order.area, Order.urgent, Master.name, Order.final_price,
                  Order.warranty_months, Order.sla_state, Review.stars)
ExportRow = Row[*tuple[Any, ...]]  # a row of EXPORT_COLUMNS


async def export_page(s: AsyncSession, after: int, limit: int, since: datetime | None = None,
                      until: datetime | None = None) -> Sequence[ExportRow]:
    """Up to `limit` orders numbered above `after`, in order, with their master's name and
    their review's stars: one page of the export, found by the primary key (keyset paging,
    so every page costs the same however far into the table it is); only those placed in
    [since, until) when given."""
    return (await s.execute(
        select(*EXPORT_COLUMNS)
        .outerjoin(Master, Master.id == Order.master_id)
        .outerjoin(Review, Review.order_id == Order.id)
        .where(Order.id > after, *_placed(since, until)).order_by(Order.id)
        .limit(limit))).all()


def _placed(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    """Orders placed in [since, until), either end open when None."""
    return ([Order.created_at >= since] if since else []) + (
        [Order.created_at < until] if until else [])
