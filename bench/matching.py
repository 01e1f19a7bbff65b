"""Benchmark of matching (not a test): python bench/matching.py [--masters 100 1000 5000]
[--database-url URL]

For each number M of verified masters doing one service (each with 5 completed, reviewed
jobs and some with a declined offer in their record) it prints:
- rank: the time the desk waits for *Assign* — `matching.candidates` ranking all M (p50 / max
  of 20 calls), and the number of SQL statements one call runs (fixed, whatever M is);
- auto: 100 Auto offers expiring in the same second, each handed to the next candidate inside
  the clock's firing transaction: the time `fire_due` takes for all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, update  # noqa: E402

from bot.domain.rules import Actor  # noqa: E402
from bot.domain.states import Status  # noqa: E402
from bot.services.base import Context  # noqa: E402
from bot.services.deadlines import fire_due  # noqa: E402
from bot.services.matching import auto_offer, candidates  # noqa: E402
from bot.services.users import seed_catalogue  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import migrate  # noqa: E402
from db.models import (  # noqa: E402
    AuditEntry,
    Deadline,
    Master,
    MasterService,
    Order,
    Review,
    User,
)

DESK = Actor(1, is_desk=True)
AUTO = 100


def order_row(i: int, status: str, master_id: int | None, now: datetime) -> dict:
    return dict(id=i, draft_token=f"b{i}", client_id=1, service="plumbing",
                description="bench", photos=[], area="Centre", district="Centre",
                urgent=False, surcharge_percent=0, phone="+1", payment="cash", status=status,
                master_id=master_id, created_at=now, updated_at=now)


async def fill(ctx: Context, masters: int) -> int:
    now = datetime.now(UTC)
    async with ctx.tx() as s:
        await s.execute(insert(User), [dict(id=i, first_name=f"U{i}", created_at=now)
                                       for i in range(1, masters + 2)])
        await s.execute(insert(Master), [dict(
            id=m, user_id=m + 1, name=f"Master {m}", phone="+1", status="approved",
            verified=True, blocked=False, districts=["Centre"] if m % 2 else ["North"],
            documents=[], on_duty=m % 7 != 0, created_at=now) for m in range(1, masters + 1)])
        await s.execute(insert(MasterService), [dict(master_id=m, service="plumbing")
                                                for m in range(1, masters + 1)])
        oid = 1
        done = []
        for m in range(1, masters + 1):
            for _ in range(5):
                done.append(order_row(oid, Status.COMPLETED, m, now))
                oid += 1
        await s.execute(insert(Order), done)
        await s.execute(insert(Review), [dict(
            order_id=o["id"], master_id=o["master_id"], service="plumbing",
            stars=3 + (o["id"] % 3), created_at=now) for o in done])
        await s.execute(insert(AuditEntry), [dict(
            master_id=m, actor_role="master", action="decline", created_at=now)
            for m in range(1, masters + 1, 3)])
    return oid


async def bench(masters: int, url: str | None) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3")
        await migrate(engine)
        ctx = Context(sessions=make_sessionmaker(engine))
        await seed_catalogue(ctx)
        next_id = await fill(ctx, masters)
        now = datetime.now(UTC)
        async with ctx.tx() as s:
            await s.execute(insert(Order), [order_row(next_id + i, Status.SUBMITTED, None, now)
                                            for i in range(AUTO)])
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        await candidates(ctx, DESK, next_id)
        per_call, statements = statements, 0
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        took = []
        for _ in range(20):
            t0 = time.perf_counter()
            ranked = await candidates(ctx, DESK, next_id)
            took.append(time.perf_counter() - t0)
        assert len(ranked.candidates) == masters
        for i in range(AUTO):
            await auto_offer(ctx, DESK, next_id + i)
        async with ctx.tx() as s:  # every offer falls due now
            await s.execute(update(Deadline).where(Deadline.kind == "offer",
                                                   Deadline.state == "pending")
                            .values(due_at=datetime.now(UTC) - timedelta(seconds=1)))
        t0 = time.perf_counter()
        fired = 0
        while True:
            n = await fire_due(ctx)
            if not n:
                break
            fired += n
        auto_s = time.perf_counter() - t0
        await engine.dispose()
    return (f"{masters:>8} {statistics.median(took):>9.3f}s {max(took):>8.3f}s "
            f"{per_call:>6} {fired:>7} {auto_s:>8.2f}s")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--masters", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    print(f"{'masters':>8} {'rank p50':>10} {'max':>9} {'SQL':>6} {'expired':>7} "
          f"{'auto':>9}")
    for m in args.masters:
        print(await bench(m, args.database_url), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
