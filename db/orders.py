"""Orders' rows: loading, and every compare-and-set that changes one. Each function's WHERE
holds what the use case read; losing the race raises Conflict with the use case's message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, String, bindparam, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.deadlines import Sla
from bot.domain.errors import found
from db.cas import cas
from db.hot import Hot
from db.models import Order, table_of


async def get(s: AsyncSession, order_id: int) -> Order | None:
    return await s.get(Order, order_id)


async def load(s: AsyncSession, order_id: int) -> Order:
    return found(await s.get(Order, order_id))


# Built once (Confirm and New order run them; building costs about as much as running).
_ORDERS = table_of(Order)
_DRAFT_TAKEN = Hot(select(_ORDERS.c.id).where(_ORDERS.c.draft_token == bindparam("token")))
_INSERT = Hot(insert(_ORDERS).returning(*_ORDERS.c))


@cache
def _counts_of_client(statuses: tuple[str, ...]) -> Hot:
    """The caps' count, built once for a set of statuses (they are the statement's own
    values: a list bound at each call would be compiled at each call)."""
    return Hot(select(
        func.count().filter(_ORDERS.c.status.in_([literal(x, String) for x in statuses])),
        func.count().filter(_ORDERS.c.created_at >= bindparam("since")),
    ).where(_ORDERS.c.client_id == bindparam("client_id")))


async def by_draft(s: AsyncSession, token: str) -> Order | None:
    """The order a draft became, if it did: asked by every Confirm, where it almost never
    has (one plain statement), and loaded only when it has."""
    rows = await _DRAFT_TAKEN.run(s, {"token": token})
    return await s.get(Order, rows[0][0]) if rows else None


async def of_client(s: AsyncSession, client_id: int, limit: int) -> Sequence[Order]:
    return (await s.scalars(select(Order).where(Order.client_id == client_id)
                            .order_by(Order.id.desc()).limit(limit))).all()


async def counts_of_client(s: AsyncSession, client_id: int, statuses: Sequence[str],
                           since: datetime) -> tuple[int, int]:
    """The client's orders in these statuses, and his orders created since then: one
    statement (the caps of New order and Confirm)."""
    [row] = await _counts_of_client(tuple(statuses)).run(
        s, {"since": since, "client_id": client_id})
    return int(row[0] or 0), int(row[1] or 0)


async def _change(s: AsyncSession, order: Order, where: Sequence[ColumnElement[bool]],
                  values: dict[str, Any], *, conflict: str = "error.conflict",
                  refresh: bool = True) -> None:
    await cas(s, update(Order).where(Order.id == order.id, *where).values(**values)
              .execution_options(synchronize_session=False), conflict=conflict)
    if refresh:
        await s.refresh(order)


async def move(s: AsyncSession, order: Order, to: str, now: datetime, **values: Any) -> None:
    """Move the order to `to` only if nobody moved it since it was read."""
    await _change(s, order, [Order.status == order.status],
                  dict(status=to, updated_at=now, **values))


async def save_edit(s: AsyncSession, order: Order, now: datetime,
                    values: dict[str, Any]) -> None:
    """The client's change of a placed order, in the state he read and not stopped."""
    await _change(s, order, [Order.status == order.status, Order.stopped.is_(False)],
                  dict(updated_at=now, **values))


async def lock(s: AsyncSession, order: Order, now: datetime) -> None:
    """Take the order's row as read (status and stop) so that changes to its price run one
    after another."""
    await _change(s, order, [Order.status == order.status, Order.stopped.is_(order.stopped)],
                  dict(updated_at=now), refresh=False)


async def set_code_state(s: AsyncSession, order: Order, now: datetime, *,
                         refresh: bool = False, **values: Any) -> None:
    """Count a wrong code or issue a new one, on the attempts as read."""
    await _change(s, order, [Order.status == order.status,
                             Order.code_attempts == order.code_attempts],
                  dict(updated_at=now, **values), refresh=refresh)


async def stop(s: AsyncSession, order: Order, now: datetime) -> None:
    await _change(s, order, [Order.stopped.is_(False), Order.status == order.status],
                  dict(stopped=True, updated_at=now), conflict="error.already_stopped",
                  refresh=False)


async def unstop(s: AsyncSession, order: Order, now: datetime) -> None:
    await _change(s, order, [Order.stopped.is_(True)], dict(stopped=False, updated_at=now),
                  refresh=False)


async def open_request(s: AsyncSession, order: Order, kind: str, reason: str,
                       now: datetime) -> None:
    """A master's request to the desk; one open at a time."""
    await _change(s, order, [Order.request.is_(None), Order.status == order.status],
                  dict(request=kind, request_reason=reason, updated_at=now),
                  conflict="error.request_open")


async def close_request(s: AsyncSession, order: Order, kind: str, now: datetime) -> None:
    """Two managers cannot both decide one request."""
    await _change(s, order, [Order.request == kind],
                  dict(request=None, request_reason=None, updated_at=now),
                  conflict="error.already_decided")


async def rate_client(s: AsyncSession, order: Order, stars: int) -> None:
    await _change(s, order, [Order.client_stars.is_(None)], dict(client_stars=stars),
                  conflict="error.already_rated", refresh=False)


def _visit_as_read(order: Order) -> list[ColumnElement[bool]]:
    """The order's visit and proposal are still what was read."""
    return [
        Order.status == order.status, Order.stopped.is_(False),
        Order.visit_at == order.visit_at,
        Order.proposed_visit_at.is_(None) if order.proposed_visit_at is None
        else Order.proposed_visit_at == order.proposed_visit_at,
        Order.proposed_by.is_(None) if order.proposed_by is None
        else Order.proposed_by == order.proposed_by,
    ]


async def set_visit(s: AsyncSession, order: Order, *, conflict: str = "error.conflict",
                    **values: Any) -> None:
    """A proposal of a new visit time, or its answer, on the visit as read."""
    await _change(s, order, _visit_as_read(order), values, conflict=conflict)


async def many(s: AsyncSession, order_ids: Iterable[int]) -> dict[int, Order]:
    ids = set(order_ids)
    if not ids:
        return {}
    return {o.id: o for o in (await s.scalars(select(Order).where(Order.id.in_(ids)))).all()}


async def set_sla(s: AsyncSession, order_ids: Sequence[int], state: str, kind: str,
                  due: datetime, *, keep_breach: bool) -> None:
    """The orders' SLA state after their clocks fired; `keep_breach`: a risk never hides a
    breach."""
    stmt = update(Order).where(Order.id.in_(order_ids))
    if keep_breach:
        stmt = stmt.where(Order.sla_state != Sla.BREACH.value)
    await s.execute(stmt.values(sla_state=state, sla_kind=kind, sla_due_at=due)
                    .execution_options(synchronize_session=False))


async def at_risk(s: AsyncSession, states: Sequence[str], open_statuses_not: Sequence[str],
                  limit: int) -> Sequence[Order]:
    """Open orders in these SLA states, oldest first."""
    return (await s.scalars(
        select(Order).where(Order.sla_state.in_(states), Order.status.not_in(open_statuses_not))
        .order_by(Order.created_at, Order.id).limit(limit))).all()


async def save(s: AsyncSession, order: Order, **values: Any) -> None:
    """Set columns of an order no other writer races for (the desk's own bookkeeping)."""
    await s.execute(update(Order).where(Order.id == order.id).values(**values)
                    .execution_options(synchronize_session=False))
    await s.refresh(order)


async def save_card(s: AsyncSession, order_id: int, **values: Any) -> None:
    """Where the order's topic and card are in the desk chat, and what the card shows."""
    await s.execute(update(Order).where(Order.id == order_id).values(**values))


async def of_master(s: AsyncSession, master_id: int, statuses: Sequence[str]) -> Sequence[Order]:
    """His orders in these states, oldest first."""
    return (await s.scalars(select(Order).where(Order.master_id == master_id,
                                                Order.status.in_(statuses))
                            .order_by(Order.id))).all()


async def completed_by(s: AsyncSession, master_id: int, limit: int) -> Sequence[Order]:
    """His last completed orders, newest first."""
    return (await s.scalars(select(Order).where(Order.master_id == master_id,
                                                Order.status == "completed")
                            .order_by(Order.completed_at.desc(), Order.id.desc())
                            .limit(limit))).all()


async def offered_to(s: AsyncSession, master_id: int) -> Sequence[Order]:
    """Orders offered to him and not answered yet, oldest first."""
    return (await s.scalars(select(Order).where(Order.status == "offered",
                                                Order.offered_master_id == master_id)
                            .order_by(Order.id))).all()


async def of_topic(s: AsyncSession, topic_id: int, desk: int | None = None) -> Order | None:
    """The order whose topic this is in the desk group `desk` (topic ids are per group; None:
    the default desk)."""
    here = Order.desk_chat_id.is_(None) if desk is None else Order.desk_chat_id == desk
    return await s.scalar(select(Order).where(Order.topic_id == topic_id, here).limit(1))


async def add(s: AsyncSession, **values: Any) -> Order:
    """A new order, inserted at once (its number is needed) by one Core INSERT … RETURNING on
    the session's connection; the order as stored, an object the session does not hold (a
    new order is not changed in the transaction that creates it). The ORM's unit of work for
    one new object cost several times the statement."""
    order = await _INSERT.stored(s, Order, values)
    assert order is not None
    return order
