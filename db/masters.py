"""Masters' rows: loading, their services, and the desk's compare-and-set decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import found
from db.cas import cas
from db.models import Master, MasterService, Order, Service


async def get(s: AsyncSession, master_id: int | None) -> Master | None:
    return await s.get(Master, master_id) if master_id is not None else None


async def load(s: AsyncSession, master_id: int) -> Master:
    return found(await s.get(Master, master_id), "error.master_not_found")


async def of_user(s: AsyncSession, user_id: int) -> Master | None:
    return await s.scalar(select(Master).where(Master.user_id == user_id))


async def user_id_of(s: AsyncSession, master_id: int) -> int:
    return found(await s.scalar(select(Master.user_id).where(Master.id == master_id)))


async def name_of(s: AsyncSession, master_id: int | None) -> str | None:
    return await s.scalar(select(Master.name).where(Master.id == master_id))


async def pending(s: AsyncSession, limit: int) -> Sequence[Master]:
    return (await s.scalars(select(Master).where(Master.status == "pending")
                            .order_by(Master.created_at, Master.id).limit(limit))).all()


async def active_services(s: AsyncSession) -> set[str]:
    return set((await s.scalars(select(Service.code).where(Service.active.is_(True)))).all())


async def set_services(s: AsyncSession, master_id: int, services: Iterable[str]) -> None:
    await s.execute(delete(MasterService).where(MasterService.master_id == master_id))
    for code in services:
        s.add(MasterService(master_id=master_id, service=code))


async def serves(s: AsyncSession, master_id: int, service: str) -> bool:
    return await s.scalar(select(MasterService.master_id).where(
        MasterService.master_id == master_id, MasterService.service == service)) is not None


async def orders_in(s: AsyncSession, master_id: int, statuses: Iterable[str]) -> list[int]:
    """Ids of his orders in these states."""
    return list((await s.scalars(select(Order.id).where(
        Order.master_id == master_id, Order.status.in_(list(statuses))))).all())


async def offered_to(s: AsyncSession, master_id: int) -> Sequence[Order]:
    return (await s.scalars(select(Order).where(Order.offered_master_id == master_id,
                                                Order.status == "offered"))).all()


async def decide(s: AsyncSession, master: Master, now: datetime, *, approve: bool,
                 reason: str | None, by: int) -> None:
    """Of two managers deciding an application at once, one wins, the other is told."""
    await cas(s, update(Master).where(Master.id == master.id, Master.status == "pending")
              .values(status="approved" if approve else "rejected", verified=approve,
                      reject_reason=None if approve else reason, question=None,
                      decided_at=now, decided_by=by)
              .execution_options(synchronize_session=False), conflict="error.already_decided")
    await s.refresh(master)


async def set_blocked(s: AsyncSession, master: Master, blocked: bool,
                      reason: str | None) -> None:
    await cas(s, update(Master).where(Master.id == master.id, Master.blocked.is_(not blocked))
              .values(blocked=blocked, block_reason=reason)
              .execution_options(synchronize_session=False),
              conflict="error.already_blocked" if blocked else "error.not_blocked")
    await s.refresh(master)


async def user_ids(s: AsyncSession, master_ids: Iterable[int]) -> dict[int, int]:
    """Each master's Telegram user id."""
    ids = set(master_ids)
    if not ids:
        return {}
    rows = (await s.execute(select(Master.id, Master.user_id).where(Master.id.in_(ids)))).all()
    return {int(mid): int(uid) for mid, uid in rows}


# Built once: every view of orders (a desk card's redraw among them) reads these.
_MANY = select(Master).where(Master.id.in_(bindparam("ids", expanding=True)))


async def many(s: AsyncSession, master_ids: Iterable[int]) -> dict[int, Master]:
    ids = list(set(master_ids))  # none: still one statement, a list costs the same whatever
    return {m.id: m for m in (await s.scalars(_MANY, {"ids": ids})).all()}


async def services_of(s: AsyncSession, master_id: int) -> list[str]:
    return (await services_of_many(s, [master_id])).get(master_id, [])


async def services_of_many(s: AsyncSession, master_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each master's services, for many masters in one query."""
    out: dict[int, list[str]] = {}
    for mid, code in (await s.execute(select(MasterService.master_id, MasterService.service)
                                      .where(MasterService.master_id.in_(list(master_ids))))):
        out.setdefault(int(mid), []).append(str(code))
    return out


async def save_card(s: AsyncSession, master_id: int, **values: object) -> None:
    """Where the master's card is in the desk chat, and what it shows."""
    await s.execute(update(Master).where(Master.id == master_id).values(**values))


def add(s: AsyncSession, master: Master) -> None:
    s.add(master)
