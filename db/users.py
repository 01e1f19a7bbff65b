"""People's rows (clients, masters and managers alike) and the service catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.cas import cas
from db.hot import Hot
from db.models import Master, Service, User, table_of


async def get(s: AsyncSession, user_id: int, *, lock: bool = False) -> User | None:
    """`lock`: the row is locked for the transaction (on PostgreSQL), so two updates of one
    person at once run one after another."""
    return await s.get(User, user_id, with_for_update=True if lock else None)


# Built once (every update runs it; building costs about what running it does).
_WITH_MASTER = (select(User, Master).outerjoin(Master, Master.user_id == User.id)
                .where(User.id == bindparam("user_id")))


_USERS = table_of(User)
_MASTERS = table_of(Master)
_PERSON = Hot(select(_USERS, _MASTERS).outerjoin(_MASTERS, _MASTERS.c.user_id == _USERS.c.id)
              .where(_USERS.c.id == bindparam("user_id")))
_SPLIT = len(_USERS.c)


async def person(s: AsyncSession, user_id: int
                 ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The person's row and his master row (if he is one) as plain columns, in one statement
    run on the session's connection: every update reads them, and loading them as entities
    cost more than the query."""
    rows = await _PERSON.run(s, {"user_id": user_id})
    if not rows:
        return None, None
    row = rows[0]
    master = dict(zip(_MASTERS.c.keys(), row[_SPLIT:], strict=True))
    return (dict(zip(_USERS.c.keys(), row[:_SPLIT], strict=True)),
            master if master["id"] is not None else None)


async def with_master(s: AsyncSession, user_id: int) -> tuple[User | None, Master | None]:
    """The person and his master record (if he is one), in one statement: every update
    reads both."""
    row = (await s.execute(_WITH_MASTER, {"user_id": user_id})).first()
    return (row[0], row[1]) if row is not None else (None, None)


_LOCKED = Hot(select(_USERS).where(_USERS.c.id == bindparam("user_id")).with_for_update())
_SERVICES = table_of(Service)
_SERVICE = Hot(select(_SERVICES).where(_SERVICES.c.code == bindparam("code")))


async def locked(s: AsyncSession, user_id: int) -> User | None:
    """The user as stored, his row locked for the transaction (on PostgreSQL), read by one
    Core statement: an object the session does not hold, for a use case that reads him and
    changes nothing of him (Confirm)."""
    return await _LOCKED.stored(s, User, {"user_id": user_id})


async def service_row(s: AsyncSession, code: str) -> Service | None:
    """The service as stored, read by one Core statement, not held by the session."""
    return await _SERVICE.stored(s, Service, {"code": code})


def add(s: AsyncSession, user: User) -> User:
    s.add(user)
    return user


def add_service(s: AsyncSession, service: Service) -> None:
    s.add(service)


async def set_blocked(s: AsyncSession, user_id: int, blocked: bool,
                      reason: str | None) -> None:
    await cas(s, update(User).where(User.id == user_id, User.blocked.is_(not blocked))
              .values(blocked=blocked, block_reason=reason)
              .execution_options(synchronize_session=False),
              conflict="error.already_blocked" if blocked else "error.not_blocked")


async def service(s: AsyncSession, code: str | None) -> Service | None:
    return await s.get(Service, code) if code is not None else None


async def has_services(s: AsyncSession) -> bool:
    return bool(await s.scalar(select(func.count()).select_from(Service)))


# The catalogue, read on the New order steps: its rows as plain columns.
_ACTIVE_SERVICES = Hot(select(_SERVICES.c.code, _SERVICES.c.names,
                              _SERVICES.c.warranty_min_months)
                       .where(_SERVICES.c.active.is_(True)).order_by(_SERVICES.c.position))


async def active_services(s: AsyncSession) -> Sequence[Sequence[Any]]:
    """The active services in the catalogue's order: (code, names, warranty_min_months)."""
    return await _ACTIVE_SERVICES.run(s, {})


# Built once: every view of orders (a desk card's redraw among them) reads these.
_MANY = select(User).where(User.id.in_(bindparam("ids", expanding=True)))


async def many(s: AsyncSession, user_ids: Iterable[int]) -> dict[int, User]:
    ids = list(set(user_ids))  # none: still one statement, a list costs the same whatever
    return {u.id: u for u in (await s.scalars(_MANY, {"ids": ids})).all()}
