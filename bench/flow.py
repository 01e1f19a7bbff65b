"""Benchmark of the New order conversation (not a test, issue 16):
python bench/flow.py [--clients 50 100 200] [--rates 20 50] [--think 2] [--desk-orders 100]
                    [--desk-groups 1 2]
python bench/flow.py --quick      # a smoke check of the script (about a minute)
python bench/flow.py --limiter off  # the bot's own pacing off: its processing alone

The real `python -m bot` (SQLite in a temporary folder, the shipped settings but for a desk
open around the clock) polls the fake Bot API of bot/sandbox/telegram/ over HTTP on
127.0.0.1, with Telegram's flood limits off in the fake; clients in this process go through the
whole New order conversation, 12 updates an order: /start, New order, service, description,
photo, Continue, address, day, slot, contact, payment, Confirm (bench/flow_clients.py). In the
same run, the same clients drive a bare-aiogram reference (bench/flow_reference.py: a 12-step
FSM with one SQLite insert per step) run as its own process the same way. Every measurement
starts a fresh process on a fresh database.

It prints:
- throughput: N clients start at once, each sends its next update as soon as the answer it
  needs is in; updates/s, Masterdesk's share of the reference's, CPU ms per update (the bot
  process's user + system time from /proc), SQL per update (statements, transactions, commits,
  rollbacks, counted in the bot process by bench/sqlcount/sitecustomize.py: no change to the
  bot) and latency p50 / p99; "fake" is the share of one core this process (the fake Bot API
  and the clients) used during the reference's run: near 100 % it, not the reference, is the
  limit;
- paced: rate × think clients, each sending a step every `think` seconds, together `rate`
  updates/s offered; achieved rate and latency p50 / p99. Latency = from the fake handing the
  update out (getUpdates) to the bot's answer that the next step needs;
- desk: a burst of orders confirmed at once with Telegram's flood limits on in the fake (20
  messages a minute into one group): time until every order has its topic and its card, and
  messages into the desk per order by then (plus what was still waiting in the outbox).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.flow_clients import Recorder, Run, add_users, at_once, paced  # noqa: E402
from bench.flow_desk import DeskRun, desk_burst  # noqa: E402
from bench.flow_process import (  # noqa: E402
    DESK,
    DESK2,
    MANAGER,
    ROUTES,
    TOKEN,
    BotProcess,
    running,
)
from bot.sandbox.telegram import FakeTelegram  # noqa: E402

T = TypeVar("T")
SQL_KEYS = ("statements", "begins", "commits", "rollbacks")
Job = Callable[[FakeTelegram, Recorder, Path], Awaitable[T]]


@dataclass
class Measured(Generic[T]):
    result: T
    cpu_s: float
    own_cpu_s: float  # this process's: the fake Bot API and the clients
    sql: dict[str, int]  # Masterdesk: counted in the process; reference: rows it inserted

    def per_update(self, updates: int) -> tuple[float, dict[str, float]]:
        n = max(updates, 1)
        return 1000 * self.cpu_s / n, {k: v / n for k, v in self.sql.items()}


async def measure(kind: str, jobs: list[Job[T]], groups: int = 1) -> list[Measured[T]]:
    """`jobs` one after the other against one fresh `kind` process and a fresh fake (flood
    limits off); with two desk `groups`, electrical orders go to the second (DESK_ROUTES)."""
    out: list[Measured[T]] = []
    async with FakeTelegram(token=TOKEN) as fake:
        fake.set_rate_limits(enabled=False)
        fake.add_forum(DESK, "Masterdesk", admins=[MANAGER])
        if groups > 1:
            fake.add_forum(DESK2, "Masterdesk 2", admins=[MANAGER])
        fake.add_user(MANAGER, "Olga", language_code="en")
        rec = Recorder(fake, DESK, more_desks=(DESK2,) if groups > 1 else ())
        with tempfile.TemporaryDirectory(prefix="flow-") as tmp:
            folder = Path(tmp)
            async with running(kind, fake, rec, folder,
                               ROUTES if groups > 1 else "") as bot:
                for job in jobs:
                    out.append(await measured(kind, job, fake, rec, bot))
    return out


async def measured(kind: str, job: Job[T], fake: FakeTelegram, rec: Recorder,
                   bot: BotProcess) -> Measured[T]:
    before = await bot.sql_counts() if kind == "masterdesk" else None
    rows = reference_rows(bot.folder) if kind == "reference" else 0
    cpu, own = bot.cpu_seconds(), time.process_time()
    calls = rec.calls.copy()
    result = await job(fake, rec, bot.folder)
    cpu, own = bot.cpu_seconds() - cpu, time.process_time() - own
    calls = rec.calls - calls
    after = await bot.sql_counts() if kind == "masterdesk" else None
    if before is not None and after is not None:
        sql = {k: after[k] - before[k] for k in SQL_KEYS}
    elif kind == "reference":
        sql = {"statements": reference_rows(bot.folder) - rows}
    else:
        sql = {}
    sql["api"] = sum(calls.values())
    if os.environ.get("BENCH_DETAIL"):
        print(f"  {kind}: " + ", ".join(f"{m} {n}" for m, n in calls.most_common()))
        if isinstance(result, Run):
            print(f"  {kind} answers over 50 ms: {result.slow_steps()}")
    return Measured(result, cpu, own, sql)


def reference_rows(folder: Path) -> int:
    with sqlite3.connect(folder / "reference.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM steps").fetchone()[0])


def throughput_job(clients: int) -> Job[Run]:
    async def job(fake: FakeTelegram, rec: Recorder, folder: Path) -> Run:
        return await at_once(fake, rec, add_users(fake, 100_000, clients))
    return job


def paced_job(rate: float, think: float) -> Job[Run]:
    async def job(fake: FakeTelegram, rec: Recorder, folder: Path) -> Run:
        users = add_users(fake, 300_000, max(1, round(rate * think)))
        return await paced(fake, rec, users, rate, think)
    return job


def desk_job(orders: int, groups: int = 1) -> Job[DeskRun]:
    async def job(fake: FakeTelegram, rec: Recorder, folder: Path) -> DeskRun:
        try:
            return await desk_burst(fake, rec, folder / "desk.sqlite3", orders, groups)
        finally:
            fake.set_rate_limits(enabled=False)
    return job


def failed(run: Run | DeskRun, what: str) -> str:
    if not run.failures:
        return ""
    return f"  ! {what}: {len(run.failures)} failed, e.g. {run.failures[0]}\n"


def throughput_head() -> None:
    print("Throughput: N clients at once, flood limits off (Masterdesk, then the reference)")
    print(f"{'clients':>7} {'upd/s':>7} {'ref':>7} {'ratio':>6} {'CPU ms':>7} {'ref':>5} "
          f"{'SQL':>5} {'tx':>5} {'commit':>6} {'rollbk':>6} {'p50':>7} {'p99':>7} "
          f"{'ref p99':>7} {'fake':>5} {'API':>5} {'ref':>5}", flush=True)


def throughput_line(n: int, bot: Measured[Run], ref: Measured[Run]) -> None:
    b, r = bot.result, ref.result
    cpu, sql = bot.per_update(b.updates)
    ref_cpu, ref_sql = ref.per_update(r.updates)
    print(f"{n:>7} {b.rate:>7.1f} {r.rate:>7.1f} {b.rate / r.rate:>6.1%} {cpu:>7.1f} "
          f"{ref_cpu:>5.1f} {sql.get('statements', 0):>5.2f} {sql.get('begins', 0):>5.2f} "
          f"{sql.get('commits', 0):>6.2f} {sql.get('rollbacks', 0):>6.2f} "
          f"{b.percentile(0.5):>6.3f}s {b.percentile(0.99):>6.3f}s "
          f"{r.percentile(0.99):>6.3f}s {ref.own_cpu_s / r.seconds:>5.0%} "
          f"{sql.get('api', 0):>5.2f} {ref_sql.get('api', 0):>5.2f}", flush=True)
    if abs(ref_sql.get("statements", 0) - 1) > 0.01:
        print(f"  ! the reference wrote {ref_sql.get('statements', 0):.2f} rows per update")
    print(failed(b, "Masterdesk") + failed(r, "reference"), end="")


def paced_head(think: float) -> None:
    print(f"Paced: rate × {think:g} clients, each sending a step every {think:g} s, "
          "flood limits off")
    print(f"{'rate':>5} {'clients':>7} {'achieved':>8} {'p50':>7} {'p99':>7} {'max':>7} "
          f"{'CPU ms':>7} | {'ref achieved':>12} {'p50':>7} {'p99':>7}", flush=True)


def paced_line(rate: float, think: float, bot: Measured[Run], ref: Measured[Run]) -> None:
    b, r = bot.result, ref.result
    cpu, _ = bot.per_update(b.updates)
    print(f"{rate:>5g} {max(1, round(rate * think)):>7} {b.rate:>8.1f} "
          f"{b.percentile(0.5):>6.3f}s {b.percentile(0.99):>6.3f}s "
          f"{b.percentile(1.0):>6.3f}s {cpu:>7.1f} | {r.rate:>12.1f} "
          f"{r.percentile(0.5):>6.3f}s {r.percentile(0.99):>6.3f}s", flush=True)
    print(failed(b, "Masterdesk") + failed(r, "reference"), end="")


def desk_lines(d: DeskRun) -> None:
    print(f"Desk: a burst of {d.orders} orders confirmed at once, Telegram's flood limits on "
          "(20 messages a minute per group); seconds from the burst")
    print(f"{'groups':>6} {'orders':>6} {'all topics':>10} {'all cards':>10} {'all sent':>9} "
          f"{'desk msgs':>9} {'per order':>9} {'429s':>5}  per group")
    print(f"{len(d.per_group):>6} {d.orders:>6} {d.topics_s:>9.1f}s {d.cards_s:>9.1f}s "
          f"{d.all_s:>8.1f}s {d.messages:>9} {d.messages / max(d.orders, 1):>9.2f} "
          f"{d.refused:>5}  {' / '.join(map(str, d.per_group))}", flush=True)
    print(failed(d, "desk burst"), end="")


async def full(clients: list[int], rates: list[float], think: float, orders: int,
               groups: list[int]) -> None:
    """Every measurement on its own fresh process."""
    if clients:
        throughput_head()
    for n in clients:
        [bot] = await measure("masterdesk", [throughput_job(n)])
        [ref] = await measure("reference", [throughput_job(n)])
        throughput_line(n, bot, ref)
    if rates:
        paced_head(think)
    for rate in rates:
        [bot] = await measure("masterdesk", [paced_job(rate, think)])
        [ref] = await measure("reference", [paced_job(rate, think)])
        paced_line(rate, think, bot, ref)
    for n in groups if orders else []:
        [d] = await measure("masterdesk", [desk_job(orders, n)], n)
        desk_lines(d.result)


async def quick() -> None:
    """A smoke check: one process of each kind, run side by side (the figures mean little):
    the desk burst first (before other orders queue desk messages), then the rest."""
    think = 0.5
    bot_jobs: list[Job[Run | DeskRun]] = [desk_job(3), throughput_job(5), paced_job(5, think)]
    ref_jobs: list[Job[Run | DeskRun]] = [throughput_job(5), paced_job(5, think)]
    bot, ref = await asyncio.gather(measure("masterdesk", bot_jobs),
                                    measure("reference", ref_jobs))
    d, thr, pace = bot
    thr_ref, pace_ref = ref
    assert isinstance(d.result, DeskRun)
    throughput_head()
    throughput_line(5, thr, thr_ref)  # type: ignore[arg-type]
    paced_head(think)
    paced_line(5, think, pace, pace_ref)  # type: ignore[arg-type]
    desk_lines(d.result)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="*", default=[50, 100, 200])
    parser.add_argument("--rates", type=float, nargs="*", default=[20, 50])
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds between one paced client's steps (default 2)")
    parser.add_argument("--desk-orders", type=int, default=100, help="0: no desk burst")
    parser.add_argument("--limiter", choices=("on", "off"), default="on",
                        help="the bot's own pacing under Telegram's limits (off: the bot's "
                             "processing alone, as the reference measures)")
    parser.add_argument("--desk-groups", type=int, nargs="+", default=[1], choices=(1, 2),
                        help="the burst with one desk group, two (DESK_ROUTES), or both")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke check: 5 clients, 5 updates/s, a burst of 3 orders")
    args = parser.parse_args()
    if args.limiter == "off":  # read by bench/sqlcount/sitecustomize.py in the bot process
        os.environ["BENCH_NO_LIMITER"] = "1"
        print("The bot's own limiter is off in this run.")
    if args.quick:
        await quick()
    else:
        await full(args.clients, args.rates, args.think, args.desk_orders, args.desk_groups)


if __name__ == "__main__":
    asyncio.run(main())
