"""Moving an agreed visit: either side proposes a new time, only the other side accepts or
declines it; until then the agreed time and its clocks stand [C 3(2)].

One proposal is open at a time. A new one from the same side replaces it; one from the other
side is a counter-proposal: it replaces the open one too (the first proposer is asked about
the new time instead, which answers his proposal as well). Every step is a compare-and-set on
the proposal as it was read, so a double tap or two people at once give one result.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.rules import Actor
from bot.domain.states import Role, Status
from bot.domain.views import OrderView
from bot.domain.visits import (
    CLIENT,
    MASTER,
    answering_side,
    other_side,
    proposal_stamp,
    proposing_side,
    sides_of,
)
from bot.events import DeskNote, To, VisitAnswer, VisitProposal
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.clocks import plan
from bot.services.common import load_order, master_user_id, parties
from bot.services.views import order_view
from db import orders
from db.models import Order

MAX_AHEAD = timedelta(days=30)  # as far ahead as a visit may be typed (rules.parse_visit)


def _open_for_visits(order: Order) -> None:
    if order.stopped:
        raise NotAllowed("error.job_stopped")
    if order.status != Status.SCHEDULED:
        raise NotAllowed("error.wrong_state")


async def _user_of(s: AsyncSession, order: Order, side: str) -> int:
    if side == CLIENT:
        return order.client_id
    assert order.master_id is not None
    return await master_user_id(s, order.master_id)


async def propose_visit(ctx: Context, actor: Actor, order_id: int,
                        at: datetime) -> OrderView:
    """The master or the client proposes `at` instead of the agreed time."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        side = proposing_side(actor, parties(order))
        _open_for_visits(order)
        if at <= now or at > now + MAX_AHEAD:
            raise InvalidInput("error.visit_range")
        if order.visit_at == at:
            raise InvalidInput("error.visit_same")
        replaced, replaced_by = order.proposed_visit_at, order.proposed_by
        await orders.set_visit(s, order, proposed_visit_at=at, proposed_by=side,
                               updated_at=now)
        counter = replaced is not None and replaced_by != side
        audit(s, now, actor_id=actor.user_id, role=Role(side), action="visit_propose",
              order_id=order.id, master_id=order.master_id,
              reason=f"{at.isoformat()}" + (" (counter)" if counter else ""))
        enqueue(s, now, VisitProposal(by=side, at=at,
                                      replaces=replaced if counter and replaced else None),
                to=To.chat(await _user_of(s, order, other_side(side)), order.id))
        enqueue(s, now, DeskNote(note="visit_proposed", by=side, at=at), to=To.desk(order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)


async def answer_proposal(ctx: Context, actor: Actor, order_id: int, stamp: int,
                          accept: bool) -> OrderView:
    """The other side accepts (the visit moves; its reminder and arrival clocks restart) or
    declines (the proposal is dropped; the agreed time stands). `stamp` is the version the
    button was drawn for: a replaced or answered proposal is not answered again."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        if not sides_of(actor, parties(order)):
            raise NotAllowed("error.not_allowed")
        _open_for_visits(order)
        proposed, by = order.proposed_visit_at, order.proposed_by
        if proposed is None or by not in (MASTER, CLIENT):
            raise Conflict("error.proposal_gone")
        side = answering_side(actor, parties(order), by)
        if proposal_stamp(proposed) != stamp:
            raise Conflict("error.proposal_gone")
        values: dict[str, object] = dict(proposed_visit_at=None, proposed_by=None,
                                         updated_at=now)
        if accept:
            values["visit_at"] = proposed
        old = order.visit_at
        await orders.set_visit(s, order, conflict="error.proposal_gone", **values)
        if accept:
            await plan(ctx, s, order, now)  # the visit reminder and arrival restart
        audit(s, now, actor_id=actor.user_id, role=Role(side),
              action="visit_accept" if accept else "visit_decline", order_id=order.id,
              master_id=order.master_id, from_status=Status.SCHEDULED,
              to_status=Status.SCHEDULED,
              reason=f"{old.isoformat() if old else '-'} → {proposed.isoformat()}")
        enqueue(s, now, VisitAnswer(by=by, at=proposed, accepted=accept),
                to=To.chat(await _user_of(s, order, by), order.id))
        enqueue(s, now, DeskNote(note="visit_moved" if accept else "visit_declined", by=by,
                                 at=proposed), to=To.desk(order.id))
        card_changed(s, now, order.id)
        return await order_view(s, order)
