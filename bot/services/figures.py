"""The desk's views over all orders (SPEC §3): one order by number, a search, the figures,
and a CSV export. Read-only; desk members only."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.domain.errors import NotAllowed
from bot.domain.money import to_major
from bot.domain.rules import Actor
from bot.domain.states import TERMINAL, Status
from bot.domain.views import OrderView
from bot.services.base import Context
from bot.services.views import order_view, order_views
from db import figures, orders
from db.figures import LIKE_ESCAPE

SLA_BREACHES = ("deadline:triage", "deadline:callback", "deadline:arrival",
                "deadline:completion")
FIND_LIMIT = 20


def _desk(actor: Actor) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")


async def order_for_desk(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    _desk(actor)
    async with ctx.tx() as s:
        return await order_view(s, await orders.load(s, order_id))



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
    number = int(text.lstrip("#")) if text.lstrip("#").isdigit() else None
    async with ctx.tx() as s:
        rows = await figures.search(s, like, number=number, limit=FIND_LIMIT,
                                    phone_digits=digits if len(digits) >= 5 else None)
        return await order_views(s, rows)


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
    closed = [st.value for st in (*TERMINAL, Status.COMPLETED)]
    async with ctx.tx() as s:
        c = await figures.counts(s, closed, SLA_BREACHES)
    waits = [(at - created).total_seconds() / 60 for created, at in c.waits]
    open_orders = sum(n for st, n in c.by_state.items() if st not in closed)
    return Stats(c.by_state, open_orders, c.overdue, sum(waits) / len(waits) if waits else None,
                 c.breaches, c.rating, c.reviews)


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
        async for order, master, stars in figures.export_rows(s):
            cells = (order.id, order.created_at.isoformat(), order.status, order.service,
                     order.district or "", order.area, int(order.urgent), master or "",
                     "" if order.final_price is None
                     else str(to_major(order.final_price, ctx.policy.money)),
                     order.warranty_months or "", order.sla_state, stars)
            writer.writerow([csv_cell(cell) for cell in cells])
    return out.getvalue().encode("utf-8-sig")  # a BOM: spreadsheets read it as UTF-8
