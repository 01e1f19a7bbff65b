"""Deadline rows: the only module that writes them. Planning creates and cancels, the clock
claims (pending → fired, once, even with several processes), a stop holds them, the desk
moves one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import rows
from db.cas import affected
from db.models import Deadline, table_of

_DEADLINES = table_of(Deadline)

PENDING = "pending"


async def planned(s: AsyncSession, order_id: int, kinds: Iterable[str]) -> set[str]:
    """Which of these kinds the order has had (pending, fired or met)."""
    return set((await s.scalars(select(Deadline.kind).where(
        Deadline.order_id == order_id, Deadline.kind.in_(list(kinds))))).all())


async def cancel(s: AsyncSession, order_ids: Iterable[int], kinds: Iterable[str]) -> None:
    """Pending deadlines of these kinds no longer apply (met or void)."""
    await s.execute(update(Deadline).where(
        Deadline.order_id.in_(list(order_ids)), Deadline.state == PENDING,
        Deadline.kind.in_(list(kinds))).values(state="cancelled")
        .execution_options(synchronize_session=False))


def add(s: AsyncSession, order_id: int, kind: str, due: datetime, now: datetime) -> None:
    rows.add(s, _DEADLINES, {"order_id": order_id, "kind": kind, "due_at": due,
                             "created_at": now})


async def due_of(s: AsyncSession, order_id: int, kind: str) -> datetime | None:
    """When the order's pending deadline of this kind falls due."""
    return await s.scalar(select(Deadline.due_at).where(
        Deadline.order_id == order_id, Deadline.kind == kind, Deadline.state == PENDING)
        .order_by(Deadline.id.desc()).limit(1))


# Built once: every view of orders (a desk card's redraw among them) reads it.
_OFFERS_EXPIRING = (select(Deadline.order_id, Deadline.due_at)
                    .where(Deadline.order_id.in_(bindparam("ids", expanding=True)),
                           Deadline.kind == "offer", Deadline.state == PENDING)
                    .order_by(Deadline.id))


async def offers_expiring(s: AsyncSession, order_ids: Iterable[int]) -> dict[int, datetime]:
    """When each order's pending offer runs out (the latest, should there be two)."""
    rows = (await s.execute(_OFFERS_EXPIRING, {"ids": list(order_ids)})).all()
    return {int(oid): due for oid, due in rows}


async def move(s: AsyncSession, order_id: int, kind: str, new_due: datetime) -> bool:
    """Move a pending deadline; False when there is none pending."""
    return bool(await affected(s, update(Deadline).where(
        Deadline.order_id == order_id, Deadline.kind == kind, Deadline.state == PENDING)
        .values(due_at=new_due).execution_options(synchronize_session=False)))


async def pause(s: AsyncSession, order_id: int, now: datetime) -> None:
    await s.execute(update(Deadline).where(
        Deadline.order_id == order_id, Deadline.state == PENDING, Deadline.paused_at.is_(None))
        .values(paused_at=now))


async def held(s: AsyncSession, order_id: int) -> Sequence[Deadline]:
    """The order's paused deadlines, to be resumed by the caller."""
    return (await s.scalars(select(Deadline).where(
        Deadline.order_id == order_id, Deadline.state == PENDING,
        Deadline.paused_at.is_not(None)))).all()


async def next_due(s: AsyncSession) -> datetime | None:
    return await s.scalar(select(Deadline.due_at).where(
        Deadline.state == PENDING, Deadline.paused_at.is_(None))
        .order_by(Deadline.due_at).limit(1))


async def claim(s: AsyncSession, now: datetime, limit: int) -> list[Any]:
    """Claim up to `limit` due deadlines (pending → fired) in one statement; rows of
    (id, order_id, kind, due_at)."""
    pick = (select(Deadline.id)
            .where(Deadline.state == PENDING, Deadline.paused_at.is_(None),
                   Deadline.due_at <= now)
            .order_by(Deadline.due_at, Deadline.id).limit(limit))
    if s.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)  # two processes never wait on each other
    return list((await s.execute(
        update(Deadline)
        .where(Deadline.id.in_(pick.scalar_subquery()), Deadline.state == PENDING)
        .values(state="fired", fired_at=now)
        .returning(Deadline.id, Deadline.order_id, Deadline.kind, Deadline.due_at)
    )).all())


async def set_late(s: AsyncSession, ids: Sequence[int], late_seconds: int) -> None:
    await s.execute(update(Deadline).where(Deadline.id.in_(ids))
                    .values(late_seconds=late_seconds))


async def mark_failed(s: AsyncSession, ids: Sequence[int], now: datetime) -> None:
    await s.execute(update(Deadline).where(Deadline.id.in_(ids), Deadline.state == PENDING)
                    .values(state="failed", fired_at=now))


async def by_state_and_kind(s: AsyncSession) -> list[tuple[str, str, int]]:
    return [(state, kind, int(n)) for state, kind, n in (await s.execute(
        select(Deadline.state, Deadline.kind, func.count())
        .group_by(Deadline.state, Deadline.kind))).all()]


async def fired_late_by_kind(s: AsyncSession, late_seconds: int) -> list[tuple[str, int]]:
    """Per kind, the deadlines that fired more than `late_seconds` after they were due."""
    return [(kind, int(n)) for kind, n in (await s.execute(
        select(Deadline.kind, func.count())
        .where(Deadline.state == "fired", Deadline.late_seconds > late_seconds)
        .group_by(Deadline.kind))).all()]
