"""A new visit time once one is agreed: either side proposes, only the other side answers.

[C 3(2)] the master must be on site within ±1 h of the agreed slot, so the slot is moved only
when both sides agree to it; until then the old time stands and its clocks keep running.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor, OrderParties

MASTER, CLIENT = "master", "client"
SIDES = (MASTER, CLIENT)


def sides_of(actor: Actor, order: OrderParties) -> tuple[str, ...]:
    """The sides of the visit the actor stands on (none for the desk or a stranger: the
    desk watches the agreement, it does not make it)."""
    sides = []
    if actor.master_id is not None and actor.master_id == order.master_id:
        if actor.blocked:  # a blocked master acts on nothing [R §8]
            raise NotAllowed("error.master_blocked")
        sides.append(MASTER)
    if actor.user_id == order.client_id:
        if sides:  # his own order: he would agree a time with himself
            raise NotAllowed("error.own_order")
        sides.append(CLIENT)
    return tuple(sides)


def proposing_side(actor: Actor, order: OrderParties) -> str:
    sides = sides_of(actor, order)
    if not sides:
        raise NotAllowed("error.not_allowed")
    return sides[0]


def other_side(side: str) -> str:
    return CLIENT if side == MASTER else MASTER


def answering_side(actor: Actor, order: OrderParties, proposed_by: str) -> str:
    """Only the side that did not propose may accept or decline."""
    sides = sides_of(actor, order)
    if other_side(proposed_by) in sides:
        return other_side(proposed_by)
    if proposed_by in sides:
        raise NotAllowed("error.own_proposal")
    raise NotAllowed("error.not_allowed")


def proposal_stamp(at: datetime) -> int:
    """A proposal's version for its Accept/Decline buttons: the proposed minute (UTC epoch
    minutes). A button answers only the proposal it was drawn for, never a later one that
    replaced it, so nobody accepts a time he has not seen."""
    return int(at.timestamp()) // 60
