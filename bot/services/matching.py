"""Matching [R §4]: the ranked candidates for an order, a master's record (rating, jobs,
discipline), and Auto — offers down the ranked list until someone accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput, NotAllowed
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
from bot.domain.rules import Actor, authorize, may_serve
from bot.domain.states import Action, Role, Status
from bot.domain.views import MasterStats, OrderView
from bot.events import DeskNote, OfferMade, To
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.common import cas_status, load_order, parties
from bot.services.views import order_view
from db.models import AuditEntry, Deadline, Master, MasterService, Offer, Order, Review

BUSY = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE)
DONE = (Status.COMPLETED, Status.DISPUTED)


async def _prior(s: AsyncSession, service: str) -> float:
    mean = await s.scalar(select(func.avg(Review.stars)).where(Review.service == service))
    return float(mean) if mean is not None else DEFAULT_PRIOR


async def _by_master(s: AsyncSession, stmt: object) -> dict[int, int]:
    return {int(k): int(v) for k, v in (await s.execute(stmt)).all()}  # type: ignore[arg-type]


async def stats_for(s: AsyncSession, master_ids: list[int],
                    service: str) -> dict[int, tuple[MasterStats, Discipline, int]]:
    """Rating in the category, jobs done in it, discipline record and current load, for
    several masters at once (a fixed number of queries, whatever their number)."""
    if not master_ids:
        return {}
    prior = await _prior(s, service)
    reviews = {int(m): (int(total or 0), int(n)) for m, total, n in (await s.execute(
        select(Review.master_id, func.sum(Review.stars), func.count())
        .where(Review.master_id.in_(master_ids), Review.service == service)
        .group_by(Review.master_id))).all()}
    done = await _by_master(s, select(Order.master_id, func.count())
                            .where(Order.master_id.in_(master_ids), Order.service == service,
                                   Order.status.in_([st.value for st in DONE]))
                            .group_by(Order.master_id))
    load = await _by_master(s, select(Order.master_id, func.count())
                            .where(Order.master_id.in_(master_ids),
                                   Order.status.in_([st.value for st in BUSY]))
                            .group_by(Order.master_id))
    counts: dict[int, dict[str, int]] = {}
    for mid, action, n in (await s.execute(
            select(AuditEntry.master_id, AuditEntry.action, func.count())
            .where(AuditEntry.master_id.in_(master_ids),
                   AuditEntry.action.in_(list(DISCIPLINE_ACTIONS)))
            .group_by(AuditEntry.master_id, AuditEntry.action))).all():
        counts.setdefault(int(mid), {})[str(action)] = int(n)
    out = {}
    for mid in master_ids:
        total, n = reviews.get(mid, (0, 0))
        rating = bayesian(total, n, prior) if n else None
        out[mid] = (MasterStats(rating, n, done.get(mid, 0)),
                    discipline_from(counts.get(mid, {})), load.get(mid, 0))
    return out


async def master_stats(ctx: Context, master_id: int, service: str) -> MasterStats:
    async with ctx.tx() as s:
        return (await stats_for(s, [master_id], service))[master_id][0]


async def master_record(ctx: Context, master_id: int) -> tuple[MasterStats, Discipline]:
    """Across all categories: jobs done, reviews (plain mean), discipline (for his profile and
    the desk's master card)."""
    async with ctx.tx() as s:
        total, n = (await s.execute(select(func.sum(Review.stars), func.count())
                                    .where(Review.master_id == master_id))).one()
        done = await s.scalar(select(func.count()).select_from(Order).where(
            Order.master_id == master_id, Order.status.in_([st.value for st in DONE])))
        counts = dict((await s.execute(
            select(AuditEntry.action, func.count())
            .where(AuditEntry.master_id == master_id,
                   AuditEntry.action.in_(list(DISCIPLINE_ACTIONS)))
            .group_by(AuditEntry.action))).all())
        rating = float(total) / n if n else None
        return (MasterStats(rating, int(n), int(done or 0)),
                discipline_from({str(k): int(v) for k, v in counts.items()}))


async def _pool(s: AsyncSession, service: str) -> tuple[list[Any], dict[int, Any]]:
    """The service's eligible masters and their records. Kept for the rest of the
    transaction (`Session.info`): when the clock expires a hundred Auto offers in one batch,
    the masters and their records are read once, not once per order."""
    cache: dict[str, tuple[list[Any], dict[int, Any]]] = s.info.setdefault("matching", {})
    if service not in cache:
        masters = list((await s.execute(
            select(Master.id, Master.user_id, Master.name, Master.districts, Master.on_duty)
            .join(MasterService, MasterService.master_id == Master.id)
            .where(MasterService.service == service, Master.verified.is_(True),
                   Master.blocked.is_(False), Master.status == "approved"))).all())
        cache[service] = (masters, await stats_for(s, [m.id for m in masters], service))
    return cache[service]


async def _candidates(s: AsyncSession, order: Order) -> list[Candidate]:
    masters, stats = await _pool(s, order.service)
    tried = set((await s.scalars(select(Offer.master_id).where(
        Offer.order_id == order.id, Offer.status.in_(("declined", "expired"))))).all())
    # Read fresh each time: an offer made earlier in this transaction counts already.
    waiting = await _by_master(s, select(Order.offered_master_id, func.count())
                               .where(Order.status == Status.OFFERED.value,
                                      Order.offered_master_id.is_not(None),
                                      Order.id != order.id)
                               .group_by(Order.offered_master_id))
    out = []
    client = parties(order)
    for m in masters:
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
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    async with ctx.tx() as s:
        order = await load_order(s, order_id)
        return Ranked(await order_view(s, order), await _candidates(s, order))


async def send_offer(ctx: Context, s: AsyncSession, order: Order, master: Master,
                     now: datetime, *, actor_id: int | None, role: Role, auto: bool) -> None:
    """Offer the order to one master, inside the caller's transaction."""
    prev = order.status
    await cas_status(ctx, s, order, Status.OFFERED, now, offered_master_id=master.id,
                     auto_offer=auto)
    s.add(Offer(order_id=order.id, master_id=master.id, created_at=now))
    audit(s, now, actor_id=actor_id, role=role, action=Action.OFFER, order_id=order.id,
          master_id=master.id, from_status=prev, to_status=Status.OFFERED,
          reason="auto" if auto else None)
    enqueue(s, now, OfferMade(), to=To.chat(master.user_id, order.id))
    # The topic notes every offer, Auto's first one too: whom, and until when.
    expires = await s.scalar(select(Deadline.due_at).where(
        Deadline.order_id == order.id, Deadline.kind == "offer", Deadline.state == "pending"))
    enqueue(s, now, DeskNote(note="offered", master=master.name, auto=auto, expires=expires),
            to=To.desk(order.id))
    card_changed(s, now, order.id)


async def offer_next(ctx: Context, s: AsyncSession, order: Order, now: datetime) -> bool:
    """Auto: the order is back at the desk after a decline or an expiry; offer it to the next
    candidate. When nobody is left, Auto stops and the desk is told. Same transaction."""
    if not order.auto_offer or order.status != Status.SUBMITTED:
        return False
    best = next_for_auto(await _candidates(s, order))
    if best is None:
        order.auto_offer = False
        enqueue(s, now, DeskNote(note="auto_exhausted"), to=To.desk(order.id))
        card_changed(s, now, order.id)
        return False
    master = await s.get(Master, best.master_id)
    assert master is not None
    await send_offer(ctx, s, order, master, now, actor_id=None, role=Role.SYSTEM, auto=True)
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
        master = await s.get(Master, best.master_id)
        assert master is not None
        await send_offer(ctx, s, order, master, now, actor_id=actor.user_id, role=role,
                         auto=True)
        return await order_view(s, order)
