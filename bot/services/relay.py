"""The manager chat (SPEC §2.4): what the client (or the master) writes about an order goes
into the order's topic; what a manager writes in the topic goes back to the client, or to the
master with /m. Every relayed message goes through the outbox, so none is lost."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput, NotAllowed, NotFound, TooFast
from bot.domain.files import check_document
from bot.domain.rules import Actor, clip, desk_only
from bot.domain.states import TERMINAL, Status
from bot.events import Relay, To
from bot.services.base import Context, enqueue
from bot.services.common import load_order, master_user_id
from db import masters, orders, users
from db.models import Order, User

KINDS = ("text", "photo", "document")
# What Telegram lets a person send; the header is made room for when the message is sent
# (bot/notify/fit.py gives way on the person's words only as much as it must).
MAX_TEXT = 4096
MAX_CAPTION = 1024
# A client may still write about an order for a while after it ended (a question about the
# warranty, a receipt): only rejected and cancelled orders are closed to the chat.
CLOSED = TERMINAL


def _content(kind: str, text: str | None, file_id: str | None) -> tuple[str, str | None]:
    if kind not in KINDS or (kind != "text") != bool(file_id):
        raise InvalidInput("error.invalid_input")
    body = (text or "").strip()
    if kind == "text" and not body:
        raise InvalidInput("error.relay_empty")
    return clip(body, MAX_TEXT if kind == "text" else MAX_CAPTION), file_id


async def write_to_desk(ctx: Context, actor: Actor, order_id: int, kind: str,
                        text: str | None = None, file_id: str | None = None, *,
                        file_name: str | None = None, mime_type: str | None = None) -> str:
    """The order's client or its master writes to the desk; returns who he is to the order
    ("client" / "master"). TooFast when he writes faster than his pace (the message is not
    queued): the desk group takes ~20 messages a minute in all, and one person must not hold
    up everyone's orders, alerts and safety stops. A document must be a PDF, JPEG or PNG
    (bot/domain/files.py); what the desk sends back is not checked: desk members are
    trusted."""
    body, file_id = _content(kind, text, file_id)
    if kind == "document":
        check_document(file_name, mime_type)
    now = ctx.clock()
    refused: TooFast | None = None
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        if order.client_id == actor.user_id:
            side = "client"  # a blocked client still talks to the desk about his orders
        elif actor.master_id is not None and actor.master_id == order.master_id:
            if actor.blocked:
                raise NotAllowed("error.master_blocked")
            side = "master"
        else:
            raise NotFound("error.not_found")
        if Status(order.status) in CLOSED:
            raise NotAllowed("error.relay_closed")
        # Locked (on PostgreSQL): two messages at once must not both take the last token.
        user = await users.get(s, actor.user_id, lock=True)
        refused = _take_turn(ctx, user, now) if user is not None else None
        if refused is None:
            enqueue(s, now, Relay(side=side, content=kind, text=body, file_id=file_id,
                                  name=user.first_name if user else ""), to=To.desk(order.id))
            return side
    raise refused  # after the commit: the "already told" mark is kept


def _take_turn(ctx: Context, user: User, now: datetime) -> TooFast | None:
    """Take a turn from the person's bucket (stored on his row, so every process and a
    restart see the same pace); None when the message may go."""
    tat, wait = ctx.policy.relay_pace.take(user.relay_tat, now)
    if not wait:
        user.relay_tat = tat
        return None
    told = user.relay_hushed_until is not None and now < user.relay_hushed_until
    if not told:
        user.relay_hushed_until = now + wait  # one notice per wait, however fast he types
    return TooFast(max(1, math.ceil(wait.total_seconds())), quiet=told)


async def order_of_topic(ctx: Context, chat_id: int | None, topic_id: int) -> int | None:
    """The order whose topic `topic_id` is in the desk group `chat_id` (None: the default)."""
    async with ctx.read() as s:
        order = await _of_topic(ctx, s, chat_id, topic_id)
        return order.id if order is not None else None


async def _of_topic(ctx: Context, s: AsyncSession, chat_id: int | None,
                    topic_id: int) -> Order | None:
    return await orders.of_topic(s, topic_id, ctx.policy.desks.stored(chat_id))


async def answer_from_desk(ctx: Context, actor: Actor, topic_id: int, kind: str,
                           text: str | None = None, file_id: str | None = None,
                           to_master: bool = False, desk: int | None = None) -> int:
    """A manager writes in an order's topic of the desk group `desk` (None: the default):
    to its client, or with /m to its master. Returns the order's id; NotFound when the topic
    is not an order's."""
    desk_only(actor)
    body, file_id = _content(kind, text, file_id)
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await _of_topic(ctx, s, desk, topic_id)
        if order is None:
            raise NotFound("error.not_found")
        if to_master:
            if order.master_id is None:
                raise NotAllowed("error.relay_no_master")
            chat = await master_user_id(s, order.master_id)
            master = await masters.get(s, order.master_id)
            if master is not None and master.blocked:
                raise NotAllowed("error.relay_no_master")
        else:
            chat = order.client_id
        enqueue(s, now, Relay(side="desk", content=kind, text=body, file_id=file_id,
                              to_master=to_master), to=To.chat(chat, order.id))
        return order.id
