"""Benchmark of the clock (not a test): python bench/deadlines.py [--sizes 1000 10000 100000]
[--database-url URL]

For each size N it prints:
- schedule: time to plan N orders' deadlines through the production path (services.clocks.plan,
  one transaction per 1,000 orders) and the rate;
- memory: the process's resident memory after scheduling;
- start: time for a fresh process-like start with the N deadlines persisted (engine, migrations
  check, the scheduler's first pass, which finds nothing due, and its next wake-up);
- lateness: 1,000 more deadlines fall due in the same second while the N stay pending; the real
  APScheduler-driven DeadlineClock fires them; lateness = when the batch that fired a deadline
  committed minus its due time: p50 / p99 / max.
Targets (issue 4): p99 lateness under 1 s and start under 2 s at 100k.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

import bot.scheduler as scheduler_module  # noqa: E402
from bot.domain.clock import DeskHours  # noqa: E402
from bot.domain.deadlines import Timing  # noqa: E402
from bot.domain.states import Status  # noqa: E402
from bot.scheduler import DeadlineClock  # noqa: E402
from bot.services.base import Context  # noqa: E402
from bot.services.clocks import plan  # noqa: E402
from bot.services.users import seed_catalogue  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import migrate  # noqa: E402
from db.models import Deadline, Order, User  # noqa: E402

BURST = 1000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def add_orders(ctx: Context, count: int, first_id: int) -> list[int]:
    now = datetime.now(UTC)
    rows = [dict(id=first_id + i, draft_token=f"b{first_id + i}", client_id=1,
                 service="plumbing", description="bench", photos=[], area="a", urgent=False,
                 surcharge_percent=0, phone="+1", payment="cash", status=Status.SUBMITTED,
                 report_photos=[], code_attempts=0, code_locked=False, sla_state="ok",
                 created_at=now, updated_at=now) for i in range(count)]
    async with ctx.tx() as s:
        for i in range(0, count, 5000):
            await s.execute(insert(Order), rows[i:i + 5000])
    return [first_id + i for i in range(count)]


async def schedule(ctx: Context, ids: list[int]) -> None:
    for i in range(0, len(ids), 1000):
        async with ctx.tx() as s:
            orders = (await s.scalars(select(Order).where(Order.id.in_(ids[i:i + 1000])))).all()
            for o in orders:
                await plan(ctx, s, o, ctx.clock())


async def bench(size: int, url: str | None) -> dict[str, float]:
    tmp = tempfile.mkdtemp()
    url = url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
    engine = make_engine(url)
    await migrate(engine)
    ctx = Context(sessions=make_sessionmaker(engine))
    await seed_catalogue(ctx)
    async with ctx.tx() as s:
        s.add(User(id=1, first_name="bench", created_at=datetime.now(UTC)))
    # The N pending deadlines are a day away (triage in desk hours of a 24/7 desk: use wall time)
    ctx.policy.timing = Timing(desk=DeskHours(dtime(0), dtime(0), ZoneInfo("UTC")),
                               triage=timedelta(days=1))
    ids = await add_orders(ctx, size, 1)
    gc.collect()
    t0 = time.perf_counter()
    await schedule(ctx, ids)
    scheduled = time.perf_counter() - t0
    memory = rss_mb()
    await engine.dispose()

    # A fresh start with the N deadlines persisted.
    t0 = time.perf_counter()
    engine = make_engine(url)
    await migrate(engine)
    ctx = Context(sessions=make_sessionmaker(engine))
    clock = DeadlineClock(ctx, tick_seconds=30)
    await clock.start()
    started = time.perf_counter() - t0

    # 1,000 deadlines fall due in the same second, two seconds from now.
    burst_ids = await add_orders(ctx, BURST, size + 1)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    async with ctx.tx() as s:
        await s.execute(insert(Deadline), [dict(order_id=i, kind="triage", due_at=due,
                                                state="pending", created_at=due)
                                           for i in burst_ids])
    done: list[tuple[float, int]] = []
    real_fire = scheduler_module.fire_due

    async def timed_fire(c: Context, limit: int = 500) -> int:
        n = await real_fire(c, limit)
        done.append((time.time(), n))
        return n

    scheduler_module.fire_due = timed_fire  # type: ignore[assignment]
    clock.wake_at(due)
    try:
        for _ in range(200):
            await asyncio.sleep(0.05)
            if sum(n for _, n in done) >= BURST:
                break
    finally:
        await clock.shutdown()
        scheduler_module.fire_due = real_fire
    late: list[float] = []
    for t, n in done:
        late += [t - due.timestamp()] * n
    await engine.dispose()
    late.sort()
    return {"schedule_s": scheduled, "rate": size / scheduled, "rss_mb": memory,
            "start_s": started, "fired": len(late),
            "p50": statistics.median(late) if late else float("nan"),
            "p99": late[int(len(late) * 0.99) - 1] if late else float("nan"),
            "max": late[-1] if late else float("nan")}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--database-url", default=None,
                        help="default: a temporary SQLite file; PostgreSQL must be empty")
    args = parser.parse_args()
    print(f"{'pending':>8} {'schedule':>10} {'rate/s':>8} {'RSS MB':>7} {'start':>7} "
          f"{'fired':>6} {'p50':>7} {'p99':>7} {'max':>7}")
    for size in args.sizes:
        r = await bench(size, args.database_url)
        print(f"{size:>8} {r['schedule_s']:>9.2f}s {r['rate']:>8.0f} {r['rss_mb']:>7.0f} "
              f"{r['start_s']:>6.2f}s {r['fired']:>6.0f} {r['p50']:>6.3f}s {r['p99']:>6.3f}s "
              f"{r['max']:>6.3f}s", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
