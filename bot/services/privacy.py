"""A person's own data (/privacy): a copy of everything stored about him, and its erasure.

The export holds his own data only. Orders he placed come with all their fields; jobs he did
as a master come with what is about his work (service, area, times, prices, his report, his
rating of the client), never the client's name, phone, address, description or photos: those
are the client's data, and he was shown them only to do the job.

Erasure keeps what the law and the other party need: the order numbers, states, dates and
amounts, the stars of reviews, and the audit log (who changed which order, when). It blanks
the rest: names become "deleted user"; phones, addresses, locations, descriptions, photos,
claim texts and review comments he wrote are removed; a master's tax id, documents, photo,
services and districts are removed and his record is retired (status "erased": out of
matching; he may apply again as a new applicant). His Telegram id stays as the key of the
anonymised rows; if he writes to the bot again, his Telegram name is stored again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.deadlines import Kind
from bot.domain.errors import found
from bot.domain.privacy import SETTLED, blocks_erasure, scrubbed_reason
from bot.events import DeskErased, To
from bot.services import clocks
from bot.services.base import Context, audit, card_changed, enqueue, master_card_changed
from bot.services.privacy_export import export_rows
from db import masters, users
from db import privacy as rows
from db.models import Master

ERASED_NAME = "deleted user"
ERASED_STATUS = "erased"  # a master record whose person asked for erasure
# Desk messages that carry a master's own words or documents: never delivered, nor kept, once
# he asked for erasure.
_MASTER_ROWS = ("master_docs", "desk_master_answer")


@dataclass(frozen=True)
class Erasure:
    erased: bool
    open_orders: tuple[int, ...] = ()  # why it was refused


async def export_my_data(ctx: Context, user_id: int,
                         conversation: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything stored about this person, JSON-safe (one read transaction)."""
    async with ctx.read() as s:
        user = found(await users.get(s, user_id))
        master = await masters.of_user(s, user_id)
        data = await export_rows(s, user, master, ctx.clock(), ctx.policy.money)
        if conversation:
            data["conversation_in_progress"] = conversation
        return data


async def open_orders_of(s: AsyncSession, user_id: int, master_id: int | None) -> list[int]:
    """His orders (as client or master) that still need the parties' personal data."""
    return [oid for oid, status, rework_due in await rows.orders_of(s, user_id, master_id)
            if blocks_erasure(status, rework_due)]


async def my_open_orders(ctx: Context, user_id: int) -> list[int]:
    async with ctx.read() as s:
        master = await masters.of_user(s, user_id)
        return await open_orders_of(s, user_id, master.id if master else None)


TO_THE_CLIENT = (Kind.REVIEW, Kind.WARRANTY_END)


async def erase_my_data(ctx: Context, user_id: int) -> Erasure:
    """Erase his personal data, unless an order of his is open (then nothing changes)."""
    now = ctx.clock()
    async with ctx.tx() as s:
        user = found(await users.get(s, user_id))
        master = await masters.of_user(s, user_id)
        blocking = await open_orders_of(s, user_id, master.id if master else None)
        if blocking:
            return Erasure(False, tuple(blocking))
        user.first_name, user.username = ERASED_NAME, None
        orders = await rows.blank_client_orders(s, user_id, [st.value for st in SETTLED])
        # The review request and the warranty-end notice would still write to him.
        await clocks.cancel(s, orders, TO_THE_CLIENT)
        if master is not None:
            await _retire_master(s, master, now)
        await _forget_traces(s, user_id, master.id if master else None, orders)
        for order_id, has_card in orders.items():
            if has_card:  # the card in the desk shows the old name and phone: redraw it
                card_changed(s, now, order_id)
        audit(s, now, actor_id=user_id, role="master" if master else "client", action="erase",
              master_id=master.id if master else None)
        enqueue(s, now, DeskErased(user_id=user_id, master_id=master.id if master else None,
                                   orders=tuple(sorted(orders))), to=To.desk())
        return Erasure(True)


async def _retire_master(s: AsyncSession, master: Master, now: datetime) -> None:
    master.name, master.phone = ERASED_NAME, ""
    master.tax_id = master.legal_form = master.photo = None
    master.question = master.answer = None
    master.documents, master.districts = [], []
    master.status, master.verified, master.on_duty = ERASED_STATUS, False, False
    master.decided_at, master.card_digest = now, None
    await rows.drop_services(s, master.id)
    if master.card_message_id is not None:
        master_card_changed(s, now, master.id)


async def _forget_traces(s: AsyncSession, user_id: int, master_id: int | None,
                         orders: dict[int, bool]) -> None:
    """His conversation, the messages queued to him, and copies of his words and files (in
    the outbox and in the audit log's reasons)."""
    await rows.drop_private_chat(s, user_id)
    # Delivered copies of what he wrote to the desk; the audit log keeps the facts.
    await rows.drop_delivered(s, orders)
    for entry in await rows.audit_about(s, orders, master_id):
        if entry.order_id is not None and entry.order_id not in orders:
            continue  # a job of his: the client's words there are the client's
        entry.reason = scrubbed_reason(entry.action, entry.reason)
    for row in await rows.queued_of_kinds(s, [*_MASTER_ROWS, "desk_unreachable"]):
        p = row.payload or {}
        if (master_id is not None and row.kind in _MASTER_ROWS
                and p.get("master_id") == master_id) or p.get("user_id") == user_id:
            await rows.remove(s, row)

