"""The master's own lists: his jobs (open, and the last completed) and the offers waiting for
his answer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import NotFound
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.domain.views import OrderView
from bot.services.base import Context
from bot.services.views import order_views
from db import orders

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
    async with ctx.read() as s:
        open_ = await orders.of_master(s, master_id, [st.value for st in OPEN_JOBS])
        done = await orders.completed_by(s, master_id, RECENT_DONE)
        views = await order_views(s, [*open_, *done])
        return MyJobs(views[:len(open_)], views[len(open_):])


async def waiting_offers(ctx: Context, actor: Actor) -> list[OrderView]:
    """The orders offered to him that he has not answered yet."""
    master_id = _master_id(actor)
    async with ctx.read() as s:
        return await order_views(s, await orders.offered_to(s, master_id))
