"""A person's rows across the tables: what his export reads and what his erasure blanks or
removes. The rules (what is his, what stays) are in bot/services/privacy.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, delete, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditEntry,
    Base,
    FsmRecord,
    JobMessage,
    MasterService,
    Order,
    OutboxMessage,
    Review,
)

R = TypeVar("R", bound=Base)


async def orders_of(s: AsyncSession, user_id: int,
                    master_id: int | None) -> Sequence[tuple[int, str, datetime | None]]:
    """(id, status, rework due) of his orders as client, as master, or offered to him."""
    mine: ColumnElement[bool] = Order.client_id == user_id
    if master_id is not None:
        mine = or_(mine, Order.master_id == master_id,
                   (Order.offered_master_id == master_id) & (Order.status == "offered"))
    rows = (await s.execute(select(Order.id, Order.status, Order.rework_due).where(mine)
                            .order_by(Order.id))).all()
    return [(int(r.id), str(r.status), r.rework_due) for r in rows]


async def blank_client_orders(s: AsyncSession, user_id: int,
                              settled: Sequence[str]) -> dict[int, bool]:
    """Blank his settled orders as a client; returns {order id: has a card in the desk}. The
    WHERE repeats the rule, so an order reopened meanwhile keeps its data."""
    rows = (await s.execute(select(Order.id, Order.card_message_id).where(
        Order.client_id == user_id, Order.status.in_(settled), Order.rework_due.is_(None)))
    ).all()
    ids = [r.id for r in rows]
    if not ids:
        return {}
    await s.execute(
        update(Order).where(Order.id.in_(ids), Order.status.in_(settled),
                            Order.rework_due.is_(None))
        .values(description="", photos=[], address=None, latitude=None, longitude=None,
                phone="", complaint=None, complaint_photos=[], report_photos=[],
                checkin_lat=None, checkin_lon=None, code_hash=None, card_digest=None)
        .execution_options(synchronize_session=False))
    # His words about the master; the stars stay (they are the master's rating).
    await s.execute(update(Review).where(Review.order_id.in_(ids)).values(comment=None))
    return {r.id: r.card_message_id is not None for r in rows}


async def drop_services(s: AsyncSession, master_id: int) -> None:
    await s.execute(delete(MasterService).where(MasterService.master_id == master_id))


async def drop_private_chat(s: AsyncSession, user_id: int) -> None:
    """His conversation, the messages queued to him, the job messages in his chat."""
    # The private chat's FSM key is "fsm:<bot>:<chat>:<user>:<destiny>", chat == user.
    await s.execute(delete(FsmRecord).where(FsmRecord.key.like(f"%:{user_id}:{user_id}:%")))
    await s.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == user_id))
    await s.execute(delete(JobMessage).where(JobMessage.chat_id == user_id))


async def drop_delivered(s: AsyncSession, order_ids: Iterable[int]) -> None:
    """Delivered or failed copies of messages about these orders."""
    ids = list(order_ids)
    if ids:
        await s.execute(delete(OutboxMessage).where(OutboxMessage.order_id.in_(ids),
                                                    OutboxMessage.status != "pending"))


async def audit_about(s: AsyncSession, order_ids: Iterable[int],
                      master_id: int | None) -> Sequence[AuditEntry]:
    """Audit rows of these orders or about this master (to scrub their reasons)."""
    mine: ColumnElement[bool] = AuditEntry.order_id.in_(list(order_ids))
    if master_id is not None:
        mine = or_(mine, AuditEntry.master_id == master_id)
    return (await s.scalars(select(AuditEntry).where(mine))).all()


async def queued_of_kinds(s: AsyncSession, kinds: Iterable[str]) -> Sequence[OutboxMessage]:
    return (await s.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.in_(list(kinds))))).all()


async def remove(s: AsyncSession, row: Any) -> None:
    await s.delete(row)


# --- the export ----------------------------------------------------------------------------

async def _rows(s: AsyncSession, model: type[R], where: ColumnElement[bool]) -> Sequence[R]:
    """The rows of `model` that `where` picks, in the order they were written (by id)."""
    return (await s.scalars(select(model).where(where)
                            .order_by(*inspect(model).primary_key))).all()


async def client_orders(s: AsyncSession, user_id: int) -> Sequence[Order]:
    return await _rows(s, Order, Order.client_id == user_id)


async def master_jobs(s: AsyncSession, master_id: int) -> Sequence[Order]:
    return await _rows(s, Order, Order.master_id == master_id)


async def reviews_of_orders(s: AsyncSession, order_ids: Iterable[int]) -> Sequence[Review]:
    return await _rows(s, Review, Review.order_id.in_(list(order_ids)))


async def reviews_of_master(s: AsyncSession, master_id: int) -> Sequence[Review]:
    return await _rows(s, Review, Review.master_id == master_id)


async def queued_to(s: AsyncSession, chat_id: int) -> Sequence[OutboxMessage]:
    return await _rows(s, OutboxMessage, OutboxMessage.chat_id == chat_id)


async def actions_of(s: AsyncSession, user_id: int) -> Sequence[AuditEntry]:
    return await _rows(s, AuditEntry, AuditEntry.actor_id == user_id)
