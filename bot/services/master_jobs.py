"""The master's own lists: his jobs (open, and the last completed) and the offers waiting for
his answer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.domain.errors import NotFound
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.domain.views import OrderView
from bot.services.base import Context
from bot.services.views import order_view
from db.models import Order

# His jobs that still need something from him or the desk, oldest first.
OPEN_JOBS = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE,
             Status.AWAITING_CONFIRMATION, Status.DISPUTED)
RECENT_DONE = 5


@dataclass(frozen=True)
class MyJobs:
    open: list[OrderView]
    done: list[OrderView]  # the last completed, newest first


def _master_id(actor: Actor) -> int:
    if actor.master_id is None:
        raise NotFound("error.not_a_master")
    return actor.master_id


async def my_jobs(ctx: Context, actor: Actor) -> MyJobs:
    master_id = _master_id(actor)
    async with ctx.tx() as s:
        mine = select(Order).where(Order.master_id == master_id)
        open_ = (await s.scalars(mine.where(
            Order.status.in_([st.value for st in OPEN_JOBS])).order_by(Order.id))).all()
        done = (await s.scalars(mine.where(Order.status == Status.COMPLETED.value)
                                .order_by(Order.completed_at.desc(), Order.id.desc())
                                .limit(RECENT_DONE))).all()
        return MyJobs([await order_view(s, o) for o in open_],
                      [await order_view(s, o) for o in done])


async def waiting_offers(ctx: Context, actor: Actor) -> list[OrderView]:
    """The orders offered to him that he has not answered yet."""
    master_id = _master_id(actor)
    async with ctx.tx() as s:
        rows = (await s.scalars(select(Order).where(
            Order.status == Status.OFFERED.value, Order.offered_master_id == master_id)
            .order_by(Order.id))).all()
        return [await order_view(s, o) for o in rows]
