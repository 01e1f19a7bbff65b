"""One status change of an order, the same way for every use case: authorise, move the status
by compare-and-set, plan the new step's clocks, audit, mark the desk's card for redraw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rules import Actor, authorize
from bot.domain.states import Action, Role, Status
from bot.domain.states import transition as next_status
from bot.services.base import Context, audit, mark_card
from bot.services.clocks import plan
from bot.services.common import parties
from db import orders
from db.models import Order


@dataclass(frozen=True)
class Step:
    """What a use case asks of transition(): the action, who acts, and what else changes."""

    action: Action
    actor: Actor | None = None  # None: the clock or the rules act (role must be given)
    role: Role | None = None  # given: already authorised in this role (or the system)
    values: dict[str, Any] = field(default_factory=dict)  # columns set with the status
    guard: Callable[[Order], None] | None = None  # checked after authorising, before moving
    audit_as: str | None = None  # the audit row's action, when not the action itself
    master_id: int | None = None  # the master the audit row is about
    reason: str | None = None


@dataclass(frozen=True)
class Moved:
    role: Role
    before: Status
    after: Status


def authorised(step: Step, order: Order) -> tuple[Role, Status]:
    """The role the step acts in and the state it leads to, or NotAllowed."""
    if step.role is not None:
        return step.role, next_status(Status(order.status), step.action, step.role)
    assert step.actor is not None, "a step without a role needs an actor"
    return authorize(step.actor, parties(order), step.action)


async def transition(ctx: Context, s: AsyncSession, order: Order, step: Step,
                     now: datetime) -> Moved:
    """Move `order` one step inside the caller's transaction. The loser of a race (two
    masters, a double tap) gets Conflict and the whole transaction rolls back."""
    before = Status(order.status)
    role, to = authorised(step, order)
    if step.guard is not None:
        step.guard(order)
    await orders.move(s, order, to, now, **step.values)
    await plan(ctx, s, order, now)
    actor_id = step.actor.user_id if step.actor is not None else None
    audit(s, now, actor_id=actor_id, role=role, action=step.audit_as or step.action,
          order_id=order.id, master_id=step.master_id, from_status=before, to_status=to,
          reason=step.reason)
    mark_card(s, order.id)
    return Moved(role, before, to)
