"""The outbox: messages to other people, written in the transaction of the change that
causes them and delivered by bot/notify/sender.py, which reads and settles them here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db import rows
from db.cas import affected, cas
from db.models import Order, OutboxMessage, table_of

PENDING = "pending"


@dataclass(frozen=True)
class Queued:
    """A row as the sender reads it: what to deliver, where, and how often it was tried."""

    id: int
    kind: str
    chat_id: int | None  # None: the desk (the order's topic when order_id is set)
    order_id: int | None
    payload: dict[str, Any]
    priority: int
    attempts: int
    desk: int | None = None  # a desk row's: its order's desk group (None: the default desk)


_OUTBOX = table_of(OutboxMessage)


def add(s: AsyncSession, *, kind: str, chat_id: int | None, order_id: int | None,
        payload: dict[str, Any], priority: int, next_attempt_at: datetime,
        created_at: datetime) -> None:
    rows.add(s, _OUTBOX, {"kind": kind, "chat_id": chat_id, "order_id": order_id,
                          "payload": payload, "priority": priority,
                          "next_attempt_at": next_attempt_at, "created_at": created_at})


async def add_many(s: AsyncSession, messages: Sequence[dict[str, Any]]) -> None:
    """Many rows in one statement (a batch of deadlines firing)."""
    if messages:
        await s.execute(insert(OutboxMessage), list(messages))


async def purge_sent(s: AsyncSession, before: datetime) -> int:
    """Delivered rows older than `before` leave; pending and failed ones stay."""
    return await affected(s, delete(OutboxMessage).where(OutboxMessage.status == "sent",
                                                         OutboxMessage.sent_at < before))


# --- delivery (bot/notify/sender.py) -------------------------------------------------------

def _free(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """Not leased to a sender right now."""
    return or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now)


# The sender's three reads, built once: it runs them on every pass (several a second while
# orders come in), and building them cost about as much as running them.
_m = OutboxMessage
_NOW: BindParameter[datetime] = bindparam("now", type_=_m.next_attempt_at.type)
_DUE = (select(_m.id, _m.kind, _m.chat_id, _m.order_id, _m.payload, _m.priority, _m.attempts,
               Order.desk_chat_id)
        .outerjoin(Order, and_(_m.chat_id.is_(None), Order.id == _m.order_id))
        .where(_m.status == PENDING, _m.next_attempt_at <= _NOW, _free(_NOW))
        .order_by(_m.priority, _m.id).limit(bindparam("limit")))
_WAITING_HEADS = (
    select(_m.chat_id, Order.desk_chat_id, _m.priority, func.min(_m.id))
    .outerjoin(Order, and_(_m.chat_id.is_(None), Order.id == _m.order_id))
    .where(_m.status == PENDING,
           or_(and_(_m.next_attempt_at > _NOW, _m.attempts > 0), _m.locked_until >= _NOW))
    .group_by(_m.chat_id, Order.desk_chat_id, _m.priority))
_TOPICS_OPENING = select(_m.order_id).where(_m.status == PENDING, _m.kind == "order_topic")


async def due(s: AsyncSession, now: datetime, limit: int) -> list[Queued]:
    """Pending rows due now and not leased, in reading order (priority, then id)."""
    rows = (await s.execute(_DUE, {"now": now, "limit": limit})).all()
    return [Queued(*row) for row in rows]


async def waiting_heads(s: AsyncSession, now: datetime) -> dict[int | None, tuple[int, int]]:
    """Per chat, the (priority, id) of its first row that is waiting: a retry, or in another
    process's hands. A row merely scheduled for later and never tried holds nothing back.
    The desk's rows are keyed by their order's desk group (`Queued.desk`, None: the default
    desk), so one group's retry does not hold another's rows."""
    waiting: dict[int | None, tuple[int, int]] = {}
    for chat_id, desk, priority, first in (
            await s.execute(_WAITING_HEADS, {"now": now})).all():
        key = chat_id if chat_id is not None else desk
        waiting[key] = min(waiting.get(key, (priority, first)), (priority, first))
    return waiting


async def topics_opening(s: AsyncSession) -> set[int]:
    """Orders whose desk topic is still to be opened."""
    return {oid for oid in (await s.scalars(_TOPICS_OPENING)).all() if oid is not None}


# The sender's writes, built once too (a lease and a settling for every message). The rows
# are read as plain values (Queued), never held by a session: nothing to synchronise.
_ROW: BindParameter[int] = bindparam("row_id")
_LEASE = (update(_m).where(_m.id == _ROW, _m.status == PENDING, _free(_NOW))
          .values(locked_until=bindparam("lease_until"))
          .execution_options(synchronize_session=False))


@cache
def _settle_statement(only_pending: bool, columns: tuple[str, ...]) -> Update:
    stmt = update(_m).where(_m.id == _ROW)
    if only_pending:
        stmt = stmt.where(_m.status == PENDING)
    return stmt.values(
        status=bindparam("new_status"), sent_at=bindparam("new_sent_at"),
        attempts=_m.attempts + 1, locked_until=None, last_error=bindparam("new_error"),
        **{c: bindparam(f"new_{c}") for c in columns},
    ).execution_options(synchronize_session=False)


async def lease(s: AsyncSession, row_id: int, now: datetime, until: datetime) -> bool:
    """Take the row for sending until `until`; False when another sender has it or it is
    settled."""
    return await cas(s, _LEASE, conflict=None, params={
        "row_id": row_id, "now": now, "lease_until": until})


async def settle(s: AsyncSession, row_id: int, status: str, error: str | None, *,
                 sent_at: datetime | None = None, only_pending: bool = False,
                 **values: Any) -> bool:
    """The row is sent or failed for good (one more attempt counted, the lease released);
    `values` replace what it keeps (a payload without its secrets). With `only_pending`, False
    when it was settled already."""
    stmt = _settle_statement(only_pending, tuple(sorted(values)))
    return await cas(s, stmt, conflict=None, params={
        "row_id": row_id, "new_status": status, "new_sent_at": sent_at, "new_error": error,
        **{f"new_{c}": v for c, v in values.items()}})


async def postpone(s: AsyncSession, row: Queued, until: datetime, error: str) -> None:
    """Try the row again at `until`; the later rows of its chat wait too, so nobody reads them
    out of order ("later" in the chat's order: a more urgent desk row is not held by a
    relay)."""
    await s.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                    .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=until,
                            locked_until=None, last_error=error))
    same_chat = (OutboxMessage.chat_id.is_(None) if row.chat_id is None
                 else OutboxMessage.chat_id == row.chat_id)
    after = or_(OutboxMessage.priority > row.priority,
                and_(OutboxMessage.priority == row.priority, OutboxMessage.id > row.id))
    await s.execute(update(OutboxMessage)
                    .where(same_chat, OutboxMessage.status == PENDING, after,
                           OutboxMessage.next_attempt_at < until)
                    .values(next_attempt_at=until))


async def release(s: AsyncSession, row_ids: Sequence[int]) -> None:
    """Let leased rows go unsent: any sender may take them again at once."""
    await s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(list(row_ids)),
                                                OutboxMessage.status == PENDING)
                    .values(locked_until=None))


async def newer_card(s: AsyncSession, row: Queued) -> bool:
    """A later pending row draws the same order's card."""
    return await s.scalar(select(OutboxMessage.id).where(
        OutboxMessage.kind == "order_card", OutboxMessage.status == PENDING,
        OutboxMessage.order_id == row.order_id, OutboxMessage.id > row.id).limit(1)) is not None


# --- figures (health, metrics) -------------------------------------------------------------

async def pending_summary(s: AsyncSession) -> tuple[int, datetime | None]:
    """How many rows wait, and since when the oldest."""
    count, oldest = (await s.execute(
        select(func.count(), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status == PENDING))).one()
    return int(count), oldest


async def unsent_by_kind(s: AsyncSession) -> list[tuple[str, str, int, datetime]]:
    """(status, kind, rows, oldest) of every row not sent yet: pending and failed."""
    return [(status, kind, int(n), oldest) for status, kind, n, oldest in (await s.execute(
        select(OutboxMessage.status, OutboxMessage.kind, func.count(),
               func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status != "sent")
        .group_by(OutboxMessage.status, OutboxMessage.kind))).all()]
