"""The desk's views over all orders (SPEC §3): one order by number, a search, the figures,
and a CSV export. Read-only; desk members only."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import os
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from bot.domain.errors import NotAllowed
from bot.domain.money import Currency, to_major
from bot.domain.rules import Actor
from bot.domain.states import TERMINAL, Status
from bot.domain.views import OrderView
from bot.services.base import Context
from bot.services.views import order_view, order_views
from db import figures, orders
from db.figures import LIKE_ESCAPE, ExportRow

SLA_BREACHES = ("deadline:triage", "deadline:callback", "deadline:arrival",
                "deadline:completion")
FIND_LIMIT = 20
EXPORT_CHUNK = 500  # orders per page of /export: a page is a few ms of the loop
MAX_PAUSE = 0.05  # seconds: give_way's longest pause
STATS_CHUNK = 5000  # order numbers per statement of /stats' time to assign: a few ms each


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


@dataclass(frozen=True)
class Terms:
    """A search as the queries take it (db.figures.matching)."""

    like: str
    phone_digits: str | None
    number: int | None


def search_terms(query: str) -> Terms | None:
    """By number, the client's phone (any format), the client's or the master's name, or a
    part of the address; None when there is nothing to look for (one letter)."""
    text = query.strip()
    if len(text) < 2 and not text.isdigit():
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    number = int(text.lstrip("#")) if text.lstrip("#").isdigit() else None
    return Terms(contains_pattern(text.casefold()), digits if len(digits) >= 5 else None,
                 number)


async def find_orders(ctx: Context, actor: Actor, query: str) -> list[OrderView]:
    """The orders `search_terms` finds, newest first."""
    _desk(actor)
    terms = search_terms(query)
    if terms is None:
        return []
    async with ctx.tx() as s:
        rows = await figures.search(s, terms.like, number=terms.number, limit=FIND_LIMIT,
                                    phone_digits=terms.phone_digits)
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


async def give_way(started: float) -> None:
    """After a step of a long read that began at `started` (time.monotonic()): a pause as
    long as the step (at most MAX_PAUSE), so that the other users' updates, each of which
    needs the loop and the database several times, get at least half of both meanwhile
    instead of queueing once behind every step."""
    await asyncio.sleep(min(time.monotonic() - started, MAX_PAUSE))


async def desk_stats(ctx: Context, actor: Actor) -> Stats:
    _desk(actor)
    closed = [st.value for st in (*TERMINAL, Status.COMPLETED)]
    async with ctx.tx() as s:
        c = await figures.counts(s, closed, SLA_BREACHES)
    minutes, accepted = 0.0, 0
    for above in range(0, c.last_order, STATS_CHUNK):  # short statements, others between
        started = time.monotonic()
        async with ctx.tx() as s:
            part, count = await figures.assign_waits(s, above, above + STATS_CHUNK)
        minutes, accepted = minutes + part, accepted + count
        await give_way(started)
    open_orders = sum(n for st, n in c.by_state.items() if st not in closed)
    return Stats(c.by_state, open_orders, c.overdue, minutes / accepted if accepted else None,
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


def _csv_page(rows: Sequence[ExportRow], money: Currency) -> bytes:
    """A page of the export, every cell as csv_cell makes it (inlined: 12 calls a row were
    most of the export's time)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    for (number, created_at, status, service, district, area, urgent, master, final_price,
         warranty_months, sla_state, stars) in rows:
        texts = (str(number), created_at.isoformat(), status, service, district or "", area,
                 "1" if urgent else "0", master or "",
                 "" if final_price is None else str(to_major(final_price, money)),
                 str(warranty_months or ""), sla_state, "" if stars is None else str(stars))
        writer.writerow(["'" + t if t.startswith(FORMULA_TRIGGERS) else t for t in texts])
    return out.getvalue().encode("utf-8")


async def write_export(ctx: Context, actor: Actor, sink: BinaryIO, chunk: int = EXPORT_CHUNK,
                       since: datetime | None = None, until: datetime | None = None) -> int:
    """Every order as a CSV row into `sink`, without the clients' phones and addresses
    (personal data stays in the bot); returns the rows written. A page of `chunk` orders at a
    time, each read in its own short transaction, then give_way: the table is never in memory
    at once, and the other updates get the event loop and the database (one connection on
    SQLite) between pages. Only the orders placed in [since, until) when given (the board's
    period)."""
    _desk(actor)
    header = io.StringIO()
    csv.writer(header, quoting=csv.QUOTE_ALL).writerow(EXPORT_FIELDS)
    sink.write(codecs.BOM_UTF8 + header.getvalue().encode("utf-8"))  # spreadsheets: UTF-8
    after, written = 0, 0
    while True:
        started = time.monotonic()
        async with ctx.tx() as s:
            rows = await figures.export_page(s, after, chunk, since, until)
        if not rows:
            return written
        sink.write(_csv_page(rows, ctx.policy.money))
        after, written = rows[-1][0], written + len(rows)
        await give_way(started)


async def export_csv(ctx: Context, actor: Actor, chunk: int = EXPORT_CHUNK) -> bytes:
    """The export in memory: for a few orders (tests); the desk's /export uses export_file."""
    out = io.BytesIO()
    await write_export(ctx, actor, out, chunk)
    return out.getvalue()


@asynccontextmanager
async def export_file(ctx: Context, actor: Actor, since: datetime | None = None,
                      until: datetime | None = None) -> AsyncIterator[Path]:
    """The export (of the orders placed in [since, until) when given) written into a
    temporary file, removed when the block ends."""
    _desk(actor)
    fd, name = tempfile.mkstemp(prefix="masterdesk-export-", suffix=".csv")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as sink:
            await write_export(ctx, actor, sink, since=since, until=until)
        yield path
    finally:
        path.unlink(missing_ok=True)
