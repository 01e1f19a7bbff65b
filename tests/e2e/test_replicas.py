"""Past one process: three replicas of the real `python -m bot` in webhook mode on one
PostgreSQL and one Redis, behind nginx; the fake Bot API delivers every update through nginx
(retrying a failed delivery, as Telegram does) and one replica is killed with SIGKILL while
the clients are in the middle of their orders."""

from __future__ import annotations

import asyncio
import os
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from conftest import reset_postgres
from redis.asyncio import Redis
from sqlalchemy import func, select

from bench import flow_clients
from bench.flow_clients import NEW_ORDER, Recorder, add_users, converse
from bot.sandbox.telegram import FakeTelegram
from db.engine import make_engine
from db.models import AuditEntry, Deadline, Order, OutboxMessage
from tests.support.replicas import DESK, MANAGER, TOKEN, Cluster, Replica, nginx_binary

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = [
    pytest.mark.skipif(nginx_binary() is None,
                       reason="nginx is not installed (Debian: apt-get install -y nginx)"),
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                       reason="TEST_DATABASE_URL not set: replicas share one PostgreSQL"),
    pytest.mark.skipif(not TEST_REDIS_URL,
                       reason="TEST_REDIS_URL not set: replicas share conversations in Redis"),
]
CLIENTS = 12
FIRST_CLIENT = 8001


@pytest.fixture(autouse=True)
def step_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stuck client fails in a minute (a redelivered update waits ≤ 5 s for the dead
    replica's lock on that person), not the benchmark's three."""
    monkeypatch.setattr(flow_clients, "STEP_TIMEOUT", 60.0)


def chat_texts(fake: FakeTelegram, chat: int) -> Counter[str]:
    """What the bot sent into a chat (sends, not edits), numbers masked, each message by its
    first paragraph (a step's question asked again shows the answers so far below it): every
    client of the same conversation must have received the same messages, each as often."""
    return Counter(re.sub(r"\d+", "#", m["text"] or m.get("caption") or m["kind"])
                   .split("\n\n")[0] for m in fake.sent(chat))


def chat_calls(fake: FakeTelegram, chat: int) -> list[str]:
    return [f"{c.method} {c.params.get('text') or c.params.get('data') or ''}"[:60]
            for c in fake.calls() if str(c.params.get("chat_id")) == str(chat)
]


def overdue_notes(fake: FakeTelegram) -> Counter[int]:
    """Order number -> how many "Overdue" notes its topic in the desk got."""
    orders = {t["message_thread_id"]: int(n[0]) for t in fake.topics(DESK)
              if (n := re.findall(r"#(\d+)", t["name"]))}
    return Counter(orders[m["thread_id"]] for m in fake.sent(DESK)
                   if "Overdue" in (m["text"] or "") and m["thread_id"] in orders)


async def database_rows(url: str) -> tuple[int, Counter[str], int, Counter[str]]:
    """(orders, triage deadlines by state, triage firings in the audit log, outbox by status)"""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            orders = await conn.scalar(select(func.count()).select_from(Order))
            deadlines = Counter(str(s) for s in (await conn.scalars(
                select(Deadline.state).where(Deadline.kind == "triage"))).all())
            fired = await conn.scalar(select(func.count()).select_from(AuditEntry)
                                      .where(AuditEntry.action == "deadline:triage"))
            statuses = await conn.scalars(select(OutboxMessage.status))
            outbox = Counter(str(s) for s in statuses.all())
    finally:
        await engine.dispose()
    return int(orders or 0), deadlines, int(fired or 0), outbox


async def kill_between_updates(fake: FakeTelegram, victim: Replica) -> None:
    """Hold the deliveries, let the replicas answer those in hand, kill, deliver again."""
    fake.webhook_open.clear()
    await fake.wait_for(lambda: fake.webhook_in_flight == 0, timeout=60)
    victim.kill()
    assert victim.proc is not None
    await victim.proc.wait()
    fake.webhook_open.set()


async def kill_with_updates_in_hand(fake: FakeTelegram, victim: Replica) -> None:
    await fake.wait_for(lambda: fake.webhook_in_flight >= 3, timeout=60)
    victim.kill()


Kill = Callable[[FakeTelegram, Replica], Awaitable[None]]


async def orders_through_a_kill(tmp_path: Path, postgres_url: str, kill: Kill) -> None:
    """CLIENTS clients place an order each through 3 replicas; one replica is killed with
    SIGKILL once the clients are between their 4th and 8th step."""
    assert TEST_REDIS_URL
    await reset_postgres(postgres_url)
    redis = Redis.from_url(TEST_REDIS_URL)
    await redis.flushdb()
    await redis.aclose()
    async with FakeTelegram(token=TOKEN) as fake:
        fake.set_rate_limits(enabled=False)
        fake.add_forum(DESK, "Masterdesk", admins=[MANAGER])
        users = add_users(fake, FIRST_CLIENT, CLIENTS)
        rec = Recorder(fake, DESK)
        cluster = Cluster(fake, tmp_path)
        try:
            await cluster.start(3, postgres_url, TEST_REDIS_URL, TRIAGE_MINUTES="0.1",
                                CLOCK_TICK_SECONDS="1", OUTBOX_POLL_SECONDS="0.2")
            victim = cluster.replicas[1]
            run = asyncio.gather(*(converse(fake, rec, uid, NEW_ORDER) for uid in users))
            await fake.wait_for(lambda: sum(len(fake.sent(u)) for u in users) >= 4 * CLIENTS,
                                timeout=120)
            await kill(fake, victim)
            try:
                await run
            except AssertionError as exc:  # which user waits, and what his chat got
                user = int(re.findall(r"user (\d+)", str(exc))[0])
                raise AssertionError(f"{exc}; his chat: {chat_calls(fake, user)}") from None
            await every_order_once(fake, users, postgres_url)
            # The fake delivered everything, and nginx sent the dead replica's requests on.
            assert fake.undelivered == []
            assert cluster.nginx is not None
            dead = f"127.0.0.1:{victim.port}, "  # tried it, then the next one
            assert [line for line in cluster.nginx.access_log() if dead in line]
            assert victim.proc is not None and victim.proc.returncode == -9
        finally:
            await cluster.stop()
        for replica in cluster.replicas:
            if replica is not victim:
                assert replica.proc is not None and replica.proc.returncode == 0, replica.tail()


async def every_order_once(fake: FakeTelegram, users: list[int], postgres_url: str) -> None:
    # Every order is placed once, and no client was left without his conversation's messages
    # or got one that does not belong to it. An update in the dead replica's hands whose step
    # was stored is answered, when it comes back, by its step's question asked again (that
    # replica may have died before the question went out; not when a later update of his was
    # handled meanwhile, SkipRedelivered): an acknowledgement ("Photo 1 of 10 added.") may
    # give way to the question, or a question be seen twice — a few messages in the chats
    # that had updates in its hands, never a question missing (the client would wait: the run
    # above would fail) and never anything new.
    placed = {u: [m for m in fake.sent(u) if "is placed" in (m["text"] or "")] for u in users}
    assert {u: len(p) for u, p in placed.items()} == {u: 1 for u in users}
    chats = {u: chat_texts(fake, u) for u in users}
    usual = Counter(max(chats.values(), key=lambda c: list(chats.values()).count(c)))
    new = {u: [t for t in c if t not in usual] for u, c in chats.items()}
    assert {u: t for u, t in new.items() if t} == {}, fake.webhook_failures
    differ = {u: (c - usual, usual - c) for u, c in chats.items() if c != usual}
    assert sum((a + b).total() for a, b in differ.values()) <= 2 * len(fake.webhook_failures), (
        differ, fake.webhook_failures)  # (extra, missing) per chat
    orders = {int(re.findall(r"#(\d+)", p[0]["text"])[0]) for p in placed.values()}
    assert len(orders) == CLIENTS

    # Every triage deadline fires once, whichever replica is alive to fire it. Its note may
    # wait out a desk row the dead replica had leased (bot/notify/sender.py LEASE, 60 s):
    # the desk's rows go out in order.
    await fake.wait_for(lambda: set(overdue_notes(fake)) >= orders, timeout=120)
    await asyncio.sleep(3)  # a second firing would show up by now
    assert overdue_notes(fake) == Counter({n: 1 for n in orders})
    assert len(fake.topics(DESK)) == CLIENTS  # one topic per order

    # Stored: the orders, each deadline fired once, the outbox delivered.
    n_orders, deadlines, fired, outbox = await database_rows(postgres_url)
    assert (n_orders, deadlines, fired) == (CLIENTS, Counter(fired=CLIENTS), CLIENTS)
    assert set(outbox) == {"sent"}, outbox


async def test_three_replicas_behind_nginx_lose_and_double_nothing_when_one_is_killed(
        tmp_path: Path, postgres_url: str) -> None:
    await orders_through_a_kill(tmp_path, postgres_url, kill_between_updates)


async def test_a_replica_killed_with_updates_in_hand_loses_and_doubles_nothing(
        tmp_path: Path, postgres_url: str) -> None:
    await orders_through_a_kill(tmp_path, postgres_url, kill_with_updates_in_hand)
