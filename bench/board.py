"""Benchmark of the desk board (not a test, issue 15): python bench/board.py [--orders 10000]
[--repeat 20]

A SQLite file gets N orders (bench/bigdesk_seed.py: a year of a busy desk with its audit trail
and reviews) plus their deadline rows (pending ones for the open orders, fired and met ones for
the rest); the production app (bot.app.build_app) serves the board on 127.0.0.1, and a signed-in
desk member asks each page `--repeat` times over HTTP, one at a time. It prints per page: the
median, p95 and max of the time to the last byte, and the page's size.
Goal: every page under 300 ms at 10,000 orders.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot  # noqa: E402
from aiohttp import ClientSession, web  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bench.bigdesk_seed import seed  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.board.auth import Sessions  # noqa: E402
from bot.board.server import mount  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain.deadlines import STARTS  # noqa: E402
from bot.domain.states import Status  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.models import Deadline, Order  # noqa: E402

TOKEN = "42:" + "A" * 35
DESK = -1001234567890
MANAGER = 7
BATCH = 5000


async def add_deadlines(database: Path) -> tuple[int, int]:
    """Each order's deadline rows as the clock leaves them: the open ones' pending (due from
    an hour ago to a day ahead), the others' fired or met. Returns how many, and the number
    of the last completed order (the order page's sample)."""
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    sessions = make_sessionmaker(engine)
    rnd, now, rows = random.Random(15), datetime.now(UTC), []
    async with sessions() as s:
        orders = (await s.execute(select(Order.id, Order.status, Order.created_at))).all()
    for order_id, status, created in orders:
        for kind in STARTS.get(Status(status), (STARTS[Status.SUBMITTED])):
            open_ = status not in ("completed", "cancelled", "rejected")
            rows.append(dict(
                order_id=order_id, kind=kind.value, created_at=created,
                due_at=now + timedelta(minutes=rnd.uniform(-60, 1440)) if open_ else created,
                state="pending" if open_ else rnd.choice(("fired", "cancelled")),
                fired_at=None if open_ else created, late_seconds=None))
    async with sessions() as s, s.begin():
        for i in range(0, len(rows), BATCH):
            await s.execute(insert(Deadline), rows[i:i + BATCH])
    await engine.dispose()
    return len(rows), max(o for o, st, _c in orders if st == "completed")


async def timed(http: ClientSession, url: str, repeat: int) -> tuple[list[float], int, int]:
    times, size, status = [], 0, 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        async with http.get(url) as r:
            body = await r.read()
        times.append(time.perf_counter() - t0)
        size, status = len(body), r.status
    return sorted(times), size, status


def pages(first_order: int, completed: int) -> list[tuple[str, str]]:
    return [("Now (all open, first 200)", "/board/"),
            ("Now poll, unchanged (204)", "/board/rows?v={version}"),
            ("Now, search 'Lenina 12'", "/board/?q=Lenina+12"),
            ("Now, breached only", "/board/?breached=1"),
            ("Now, one master", "/board/?master=3"),
            ("Order page, submitted", f"/board/order/{first_order}"),
            ("Order page, completed", f"/board/order/{completed}"),
            ("Figures, last 30 days", "/board/figures"),
            ("Figures, a whole year", "/board/figures?from={year_ago}&to={today}"),
            ("Masters", "/board/masters"),
            ("CSV export, 30 days", "/board/export.csv")]


async def run(orders: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "board.sqlite3"
        t0 = time.perf_counter()
        counts: dict[str, Any] = await seed(database, orders)
        counts["deadlines"], completed = await add_deadlines(database)
        print(f"seeded {counts} in {time.perf_counter() - t0:.1f} s")
        settings = Settings(bot_token=TOKEN, desk_chat_id=DESK, admin_ids=[MANAGER],
                            database_url=f"sqlite+aiosqlite:///{database}",
                            code_secret="bench-board-code-secret-0123456789",
                            board_url="http://127.0.0.1/board",
                            _env_file=None)  # type: ignore[call-arg]
        bot = Bot(TOKEN)
        app = await build_app(settings, bot)
        web_app = web.Application()
        mount(web_app, app, bot)
        cookie = {"board_session": Sessions(TOKEN).issue(MANAGER, "en")}
        today = datetime.now(UTC).date()
        try:
            async with TestServer(web_app, host="127.0.0.1") as server, \
                    ClientSession(base_url=str(server.make_url("/")), cookies=cookie) as http:
                await report(http, repeat, today, completed)
        finally:
            await app.close()
            await bot.session.close()


async def report(http: ClientSession, repeat: int, today: Any, completed: int) -> None:
    async with http.get("/board/") as r:
        text = await r.text()
    version = text.split('data-version="', 1)[1].split('"', 1)[0]
    first = int(text.split('data-testid="order-', 1)[1].split('"', 1)[0])
    print(f"{'page':34} {'median':>8} {'p95':>8} {'max':>8} {'bytes':>9} status")
    for name, path in pages(first, completed):
        url = path.format(version=version, today=today,
                          year_ago=today - timedelta(days=365))
        times, size, status = await timed(http, url, repeat)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"{name:34} {statistics.median(times) * 1000:7.1f}ms {p95 * 1000:7.1f}ms "
              f"{times[-1] * 1000:7.1f}ms {size:9,} {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.orders, args.repeat))


if __name__ == "__main__":
    main()
