"""Matching [R §4]: the ranked candidates for an order, a master's record (rating, jobs,
discipline), and Auto — offers down the ranked list until someone accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput
from bot.domain.masters import (
    DEFAULT_PRIOR,
    DISCIPLINE_ACTIONS,
    Candidate,
    Discipline,
    bayesian,
    discipline_from,
    next_for_auto,
    rank,
)
from bot.domain.rules import Actor, authorize, desk_only, may_serve
from bot.domain.states import Action, Role, Status
from bot.domain.views import MasterStats, OrderView
from bot.events import DeskNote, OfferMade, To
from bot.services.base import Context, enqueue, mark_card
from bot.services.common import load_order, parties
from bot.services.transition import Step, transition
from bot.services.views import order_view
from db import deadlines, masters, offers
from db import matching as records
from db.models import Master, Order

BUSY = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE)
DONE = (Status.COMPLETED, Status.DISPUTED)


async def _prior(s: AsyncSession, service: str) -> float:
    mean = await records.mean_stars(s, service)
    return mean if mean is not None else DEFAULT_PRIOR


async def stats_for(s: AsyncSession, master_ids: list[int],
                    service: str) -> dict[int, tuple[MasterStats, Discipline, int]]:
    """Rating in the category, jobs done in it, discipline record and current load, for
    several masters at once (a fixed number of queries, whatever their number)."""
    if not master_ids:
        return {}
    prior = await _prior(s, service)
    reviews = await records.review_totals(s, master_ids, service)
    done = await records.orders_per_master(s, master_ids, [st.value for st in DONE], service)
    load = await records.orders_per_master(s, master_ids, [st.value for st in BUSY])
    counts = await records.discipline_counts(s, master_ids, list(DISCIPLINE_ACTIONS))
    out = {}
    for mid in master_ids:
        total, n = reviews.get(mid, (0, 0))
        rating = bayesian(total, n, prior) if n else None
        out[mid] = (MasterStats(rating, n, done.get(mid, 0)),
                    discipline_from(counts.get(mid, {})), load.get(mid, 0))
    return out


async def master_stats(ctx: Context, master_id: int, service: str) -> MasterStats:
    async with ctx.read() as s:
        return (await stats_for(s, [master_id], service))[master_id][0]


async def master_record(ctx: Context, master_id: int) -> tuple[MasterStats, Discipline]:
    """Across all categories: jobs done, reviews (plain mean), discipline (for his profile and
    the desk's master card)."""
    async with ctx.read() as s:
        total, n = await records.all_reviews(s, master_id)
        done = await records.orders_per_master(s, [master_id], [st.value for st in DONE])
        counts = await records.discipline_counts(s, [master_id], list(DISCIPLINE_ACTIONS))
        rating = float(total) / n if n else None
        return (MasterStats(rating, n, done.get(master_id, 0)),
                discipline_from(counts.get(master_id, {})))


async def _pool(s: AsyncSession, service: str) -> tuple[list[Any], dict[int, Any]]:
    """The service's eligible masters and their records. Kept for the rest of the
    transaction (`Session.info`): when the clock expires a hundred Auto offers in one batch,
    the masters and their records are read once, not once per order."""
    cache: dict[str, tuple[list[Any], dict[int, Any]]] = s.info.setdefault("matching", {})
    if service not in cache:
        pool = await records.eligible(s, service)
        cache[service] = (pool, await stats_for(s, [m.id for m in pool], service))
    return cache[service]


async def _candidates(s: AsyncSession, order: Order) -> list[Candidate]:
    pool, stats = await _pool(s, order.service)
    tried = await offers.tried(s, order.id)
    # Read fresh each time: an offer made earlier in this transaction counts already.
    waiting = await records.offers_waiting(s, order.id)
    out = []
    client = parties(order)
    for m in pool:
        if not may_serve(client, m.user_id):  # a master never takes his own order
            continue
        st, disc, load = stats[m.id]
        serves = None if not order.district else order.district in (m.districts or ())
        out.append(Candidate(m.id, m.name, serves, m.on_duty, load, st.rating or 0.0,
                             st.reviews, st.jobs_done, disc, m.id in tried,
                             waiting.get(m.id, 0)))
    return rank(out)


@dataclass(frozen=True)
class Ranked:
    order: OrderView
    candidates: list[Candidate]


async def candidates(ctx: Context, actor: Actor, order_id: int) -> Ranked:
    """Verified, unblocked masters who do this service, best first, each with the facts that
    put him there."""
    desk_only(actor)
    async with ctx.read() as s:
        order = await load_order(s, order_id)
        return Ranked(await order_view(s, order), await _candidates(s, order))


async def send_offer(ctx: Context, s: AsyncSession, order: Order, master: Master,
                     now: datetime, *, actor: Actor | None, role: Role, auto: bool) -> None:
    """Offer the order to one master, inside the caller's transaction (the caller has
    authorised `actor` in `role`; None: the system)."""
    await transition(ctx, s, order, Step(
        Action.OFFER, actor, role, values=dict(offered_master_id=master.id, auto_offer=auto),
        master_id=master.id, reason="auto" if auto else None), now)
    offers.add(s, order.id, master.id, now)
    enqueue(s, now, OfferMade(), to=To.chat(master.user_id, order.id))
    # The topic notes every offer, Auto's first one too: whom, and until when.
    expires = await deadlines.due_of(s, order.id, "offer")
    enqueue(s, now, DeskNote(note="offered", master=master.name, auto=auto, expires=expires),
            to=To.desk(order.id))


async def offer_next(ctx: Context, s: AsyncSession, order: Order, now: datetime) -> bool:
    """Auto: the order is back at the desk after a decline or an expiry; offer it to the next
    candidate. When nobody is left, Auto stops and the desk is told. Same transaction."""
    if not order.auto_offer or order.status != Status.SUBMITTED:
        return False
    best = next_for_auto(await _candidates(s, order))
    if best is None:
        order.auto_offer = False
        enqueue(s, now, DeskNote(note="auto_exhausted"), to=To.desk(order.id))
        mark_card(s, order.id)
        return False
    master = await masters.get(s, best.master_id)
    assert master is not None
    await send_offer(ctx, s, order, master, now, actor=None, role=Role.SYSTEM, auto=True)
    return True


async def auto_offer(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The desk presses Auto: the best candidate gets the offer, and on expiry or decline the
    next one does, until someone accepts or the list is exhausted."""
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        role, _to = authorize(actor, parties(order), Action.OFFER)
        best = next_for_auto(await _candidates(s, order))
        if best is None:
            raise InvalidInput("error.no_candidates")
        master = await masters.get(s, best.master_id)
        assert master is not None
        await send_offer(ctx, s, order, master, now, actor=actor, role=role,
                         auto=True)
        return await order_view(s, order)
