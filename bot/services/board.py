"""The desk board's reads (issue 15): the open orders with their SLA clocks, and one order with
its timeline. Read-only and desk members only, like /sla and /find whose rules they share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from bot.domain.deadlines import SLA_WHEN_FIRED
from bot.domain.rules import Actor, desk_only
from bot.domain.states import Status
from bot.domain.views import OrderView
from bot.services.base import Context
from bot.services.figures import search_terms
from bot.services.views import order_view, order_views
from db import board, orders, users
from db.board import Clock, OpenFilter, Search

# The open states in the order of the lifecycle: the board's groups, top to bottom.
OPEN = (Status.SUBMITTED, Status.OFFERED, Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED,
        Status.ON_SITE, Status.AWAITING_CONFIRMATION, Status.DISPUTED)
# The clocks whose firing puts an order at risk or breaches it (the clock's own table).
SLA_KINDS = tuple(kind.value for kind in SLA_WHEN_FIRED)
NOW_LIMIT = 200  # rows on one page of the board: the oldest first; filters narrow the rest


@dataclass(frozen=True)
class NowQuery:
    status: str | None = None
    service: str | None = None
    district: str | None = None
    master_id: int | None = None
    breached: bool = False
    search: str = ""


@dataclass(frozen=True)
class NowRow:
    order: OrderView
    clock: Clock | None  # the next SLA deadline pending, if any


@dataclass(frozen=True)
class NowBoard:
    groups: list[tuple[Status, list[NowRow]]]
    shown: int
    total: int
    masters: list[tuple[int, str]]


def _filter(q: NowQuery) -> OpenFilter:
    statuses = [st.value for st in OPEN if q.status in (None, "", st.value)]
    terms = search_terms(q.search) if q.search else None
    search = Search(terms.like, terms.phone_digits, terms.number) if terms else None
    return OpenFilter(statuses or [st.value for st in OPEN], q.service or None,
                      q.district or None, q.master_id, q.breached, search)


async def now_version(ctx: Context, actor: Actor) -> str:
    """Changes when an order or a clock changes, and every minute (the countdowns move): the
    page's poll redraws the list only then. A few index reads, not the list itself."""
    desk_only(actor)
    async with ctx.read() as s:
        state = await board.stamp(s, [st.value for st in OPEN])
    minute = int(ctx.clock().timestamp() // 60)
    return hashlib.sha1(f"{state}:{minute}".encode(), usedforsecurity=False).hexdigest()[:16]


async def now_board(ctx: Context, actor: Actor, q: NowQuery,
                    limit: int = NOW_LIMIT) -> NowBoard:
    desk_only(actor)
    async with ctx.read() as s:
        rows, total = await board.open_orders(s, _filter(q), limit)
        views = await order_views(s, rows)
        clocks = await board.next_clocks(s, [o.id for o in rows], SLA_KINDS)
        masters = await board.master_names(s)
    lines = [NowRow(v, clocks.get(v.id)) for v in views]
    groups = [(st, [r for r in lines if r.order.status == st]) for st in OPEN]
    return NowBoard([(st, rs) for st, rs in groups if rs], len(lines), total, masters)


@dataclass(frozen=True)
class Step:
    """One line of an order's timeline: an audit entry, or a deadline as it was planned."""

    at: datetime
    action: str  # the audit action, or "plan:<kind>" for a planned deadline
    role: str | None = None
    actor: str | None = None  # the person's name, when the audit knows him
    from_status: str | None = None
    to_status: str | None = None
    reason: str | None = None
    due_at: datetime | None = None  # a deadline's due time
    state: str | None = None  # a deadline's state now: pending / fired / cancelled / failed
    late_seconds: int | None = None


@dataclass(frozen=True)
class OrderPage:
    order: OrderView
    steps: list[Step]
    clock: Clock | None


async def order_page(ctx: Context, actor: Actor, order_id: int) -> OrderPage | None:
    """The order, its timeline (oldest first) and its next SLA clock; None if there is no
    such order."""
    desk_only(actor)
    async with ctx.read() as s:
        row = await orders.get(s, order_id)
        if row is None:
            return None
        view = await order_view(s, row)
        entries = await board.audit_of(s, order_id)
        planned = await board.deadlines_of(s, order_id)
        people = await board.names(s, [e.actor_id for e in entries if e.actor_id])
        clock = (await board.next_clocks(s, [order_id], SLA_KINDS)).get(order_id)
    steps = [Step(e.created_at, e.action, e.actor_role,
                  people.get(e.actor_id) if e.actor_id else None, e.from_status, e.to_status,
                  e.reason) for e in entries]
    steps += [Step(d.created_at, f"plan:{d.kind}", due_at=d.due_at, state=d.state,
                   late_seconds=d.late_seconds) for d in planned]
    steps.sort(key=lambda st: (st.at, st.action.startswith("plan:")))
    return OrderPage(view, steps, clock)


async def chosen_locale(ctx: Context, user_id: int) -> str | None:
    """The language the person chose in the bot (/language), if he did."""
    async with ctx.read() as s:
        user = await users.get(s, user_id)
        return user.locale if user else None
