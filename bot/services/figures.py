"""The desk's views over all orders (SPEC §3): one order by number, a search, the figures,
and a CSV export. Read-only; desk members only."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from bot.domain.errors import NotAllowed, NotFound
from bot.domain.money import to_major
from bot.domain.rules import Actor
from bot.domain.states import TERMINAL, Status
from bot.domain.views import OrderView
from bot.services.base import Context
from bot.services.views import order_view
from db.models import AuditEntry, Master, Order, Review, User

SLA_BREACHES = ("deadline:triage", "deadline:callback", "deadline:arrival",
                "deadline:completion")
FIND_LIMIT = 20


def _desk(actor: Actor) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")


async def order_for_desk(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    _desk(actor)
    async with ctx.tx() as s:
        order = await s.get(Order, order_id)
        if order is None:
            raise NotFound("error.not_found")
        return await order_view(s, order)


# SQLAlchemy's own `autoescape` character; any one works on SQLite and PostgreSQL alike, and
# "/" needs no quoting in either dialect's string literals (a backslash would).
LIKE_ESCAPE = "/"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching `text` literally anywhere: `/find %` or `/find __` must look for
    those characters, not match every order. The escape character is escaped first."""
    for ch in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(ch, LIKE_ESCAPE + ch)
    return f"%{text}%"


async def find_orders(ctx: Context, actor: Actor, query: str) -> list[OrderView]:
    """By number, the client's phone (any format), the client's or the master's name, or a
    part of the address; newest first."""
    _desk(actor)
    text = query.strip()
    if len(text) < 2 and not text.isdigit():
        return []
    digits = "".join(ch for ch in text if ch.isdigit())
    like = contains_pattern(text.casefold())
    async with ctx.tx() as s:
        # Unicode-aware on both backends (SQLite gets casefold() from db.engine).
        fold = func.casefold if s.bind.dialect.name == "sqlite" else func.lower
        conditions = [fold(column).like(like, escape=LIKE_ESCAPE) for column in
                      (Order.address, User.first_name, Master.name, Order.area)]
        if digits and len(digits) >= 5:
            conditions.append(Order.phone.like(f"%{digits}%"))  # digits only: no wildcards
        if text.lstrip("#").isdigit():
            conditions.append(Order.id == int(text.lstrip("#")))
        rows = (await s.scalars(
            select(Order).join(User, User.id == Order.client_id)
            .outerjoin(Master, Master.id == Order.master_id)
            .where(or_(*conditions)).order_by(Order.id.desc()).limit(FIND_LIMIT))).all()
        return [await order_view(s, o) for o in rows]


@dataclass(frozen=True)
class Stats:
    by_state: dict[str, int]
    open_orders: int
    overdue: int  # open orders whose current step is breached
    minutes_to_assign: float | None  # from submission to the master's acceptance, on average
    breaches: int  # SLA deadlines that fired breached
    rating: float | None
    reviews: int


async def desk_stats(ctx: Context, actor: Actor) -> Stats:
    _desk(actor)
    async with ctx.tx() as s:
        by_state = {str(k): int(v) for k, v in (await s.execute(
            select(Order.status, func.count()).group_by(Order.status))).all()}
        closed = [st.value for st in (*TERMINAL, Status.COMPLETED)]
        overdue = int(await s.scalar(select(func.count()).select_from(Order).where(
            Order.sla_state == "breach", Order.status.not_in(closed))) or 0)
        breaches = int(await s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(SLA_BREACHES))) or 0)
        rating, reviews = (await s.execute(select(func.avg(Review.stars), func.count())
                                           .select_from(Review))).one()
        first_accept = (select(AuditEntry.order_id, func.min(AuditEntry.created_at).label("at"))
                        .where(AuditEntry.action == "accept")
                        .group_by(AuditEntry.order_id).subquery())
        pairs = (await s.execute(select(Order.created_at, first_accept.c.at)
                                 .join(first_accept, first_accept.c.order_id == Order.id))).all()
    waits = [(at - created).total_seconds() / 60 for created, at in pairs]
    open_orders = sum(n for st, n in by_state.items() if st not in closed)
    return Stats(by_state, open_orders, overdue, sum(waits) / len(waits) if waits else None,
                 breaches, float(rating) if rating is not None else None, int(reviews))


# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these as a formula
# (=HYPERLINK(...) exfiltrates, =cmd|... runs a program). Areas and master names are typed by
# users, so every text cell is checked.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell as text a spreadsheet shows and never evaluates: a leading trigger gets a single
    quote in front (the writer quotes every field, as OWASP also asks)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


EXPORT_FIELDS = ("order", "created_at", "status", "service", "district", "area", "urgent",
                 "master", "final_price", "warranty_months", "sla_state", "review_stars")


async def export_csv(ctx: Context, actor: Actor) -> bytes:
    """Every order as a CSV row, without the clients' phones and addresses (personal data
    stays in the bot)."""
    _desk(actor)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(EXPORT_FIELDS)
    async with ctx.tx() as s:
        stars = dict((await s.execute(select(Review.order_id, Review.stars))).all())
        result = await s.stream(select(Order, Master.name)
                                .outerjoin(Master, Master.id == Order.master_id)
                                .order_by(Order.id))
        async for order, master in result:
            cells = (order.id, order.created_at.isoformat(), order.status, order.service,
                     order.district or "", order.area, int(order.urgent), master or "",
                     "" if order.final_price is None
                     else str(to_major(order.final_price, ctx.policy.money)),
                     order.warranty_months or "", order.sla_state, stars.get(order.id, ""))
            writer.writerow([csv_cell(cell) for cell in cells])
    return out.getvalue().encode("utf-8-sig")  # a BOM: spreadsheets read it as UTF-8
