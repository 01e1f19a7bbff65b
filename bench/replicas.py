"""Benchmark: throughput of 1, 2 and 3 webhook replicas behind nginx (not a test, issue 16):
python bench/replicas.py --database-url postgresql+asyncpg://… --redis-url redis://…/14
python bench/replicas.py … --replicas 1 3 --clients 60

Each measurement starts N replicas of the real `python -m bot` in webhook mode on one
PostgreSQL database of its own (`<database>_bench_<pid>`, created next to the URL's database
and dropped at the end) and one Redis (the database number in the URL is flushed: give it one
of its own), behind nginx (tests/support/replicas.py); the fake Bot API of
bot/sandbox/telegram, Telegram's flood limits off, delivers every update through
nginx. The clients (bench/flow_clients.py) go through the whole New order
conversation at once, 12 updates an order, each sending its next update as soon as the answer it
needs is in. It prints updates/s per replica count, the replicas' CPU ms per update (user +
system from /proc) and this process's share of a core (the fake Bot API, the clients: near
100 % they, not the replicas, are the limit). All of it shares the machine's cores: on 2 cores
more replicas cannot add cores, only overlap one replica's waits with another's work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis.asyncio import Redis  # noqa: E402
from sqlalchemy import make_url, text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.flow_clients import Recorder, add_users, at_once  # noqa: E402
from bot.sandbox.telegram import FakeTelegram  # noqa: E402
from tests.support.replicas import DESK, MANAGER, TOKEN, Cluster, nginx_binary  # noqa: E402


async def admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def reset(database_url: str, redis_url: str) -> None:
    await admin(database_url, "DROP SCHEMA IF EXISTS public CASCADE")
    await admin(database_url, "CREATE SCHEMA public")
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(n: int, clients: int, args: argparse.Namespace) -> str:
    await reset(args.database_url, args.redis_url)
    with tempfile.TemporaryDirectory(prefix="replicas-") as tmp_dir:
        tmp = tempfile.mkdtemp(prefix="replicas-kept-") if args.keep else tmp_dir
        async with FakeTelegram(token=TOKEN) as fake:
            fake.set_rate_limits(enabled=False)
            fake.add_forum(DESK, "Masterdesk", admins=[MANAGER])
            users = add_users(fake, 100_000, clients)
            rec = Recorder(fake, DESK)
            cluster = Cluster(fake, Path(tmp))
            try:
                await cluster.start(n, args.database_url, args.redis_url)
                await asyncio.sleep(2.0)  # the rest of the start (first passes)
                pids = [r.proc.pid for r in cluster.replicas if r.proc is not None]
                cpu0, own0 = [cpu_seconds(p) for p in pids], time.process_time()
                run = await at_once(fake, rec, users)
                cpu = sum(cpu_seconds(p) - c for p, c in zip(pids, cpu0, strict=True))
                own = time.process_time() - own0
            finally:
                await cluster.stop()
    lost = (f"; {len(run.failures)} clients failed, e.g. {run.failures[0]}"
            if run.failures else "") + (f"; logs in {tmp}" if args.keep else "")
    return (f"{n} replica(s), {clients} clients: {run.rate:6.1f} updates/s "
            f"({run.updates} updates in {run.seconds:.1f} s), replicas' CPU "
            f"{1000 * cpu / max(run.updates, 1):.1f} ms/update, fake+clients "
            f"{100 * own / max(run.seconds, 1e-9):.0f} % of a core{lost}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL"))
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--clients", type=int, nargs="+", default=[60])
    parser.add_argument("--keep", action="store_true",
                        help="keep the replicas' and nginx's logs (the folder is printed)")
    args = parser.parse_args()
    if not (args.database_url and args.redis_url and nginx_binary()):
        sys.exit("needs --database-url (PostgreSQL), --redis-url and nginx installed")
    print(f"{os.cpu_count()} cores; replicas behind nginx, PostgreSQL + Redis")
    base = make_url(args.database_url)
    name = f"{base.database or 'test'}_bench_{os.getpid()}"
    await admin(args.database_url, f'CREATE DATABASE "{name}"')
    own = args.database_url
    args.database_url = base.set(database=name).render_as_string(hide_password=False)
    try:
        for clients in args.clients:
            for n in args.replicas:
                print(await measure(n, clients, args), flush=True)
    finally:
        await admin(own, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    asyncio.run(main())
