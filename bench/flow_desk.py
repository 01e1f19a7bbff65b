"""The desk side of bench/flow.py: a burst of orders confirmed at once, under Telegram's flood
limits (about 20 messages a minute into one group), timed until every order has its topic and
its card (the first message with buttons in the topic) in the desk group. With two desk groups
(DESK_ROUTES: electrical orders to the second), every other client orders Electrical."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from bench.flow_clients import NEW_ORDER, Conversation, Recorder, act, add_users, converse
from bot.sandbox.telegram import FakeTelegram

DESK_TIMEOUT = 3600.0


@dataclass
class DeskRun:
    orders: int
    topics_s: float  # from the burst until the last topic
    cards_s: float  # from the burst until the last card
    all_s: float  # from the burst until the desk's outbox was empty
    messages: int  # into the desk since the burst, an album's items counted one by one
    refused: int  # 429s the bot met after the burst
    failures: list[str]
    per_group: tuple[int, ...] = ()  # messages into each desk group since the burst


# The second service (Electrical): DESK_ROUTES sends these orders to the second group.
SECOND = tuple(replace(s, index=1) if s.name == "service" else s for s in NEW_ORDER)


def pending_desk_rows(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        row = db.execute("SELECT count(*) FROM outbox WHERE chat_id IS NULL "
                         "AND status = 'pending'").fetchone()
    return int(row[0])


async def desk_burst(fake: FakeTelegram, rec: Recorder, database: Path, orders: int,
                     groups: int = 1) -> DeskRun:
    """`orders` clients fill in an order up to its summary (flood limits off), then all press
    Confirm at once with Telegram's flood limits on."""
    users = add_users(fake, 200_000, orders)
    scripts = [SECOND if groups > 1 and i % 2 else NEW_ORDER for i in range(len(users))]
    prepared = await asyncio.gather(*(converse(fake, rec, uid, steps[:-1])
                                      for uid, steps in zip(users, scripts, strict=True)),
                                    return_exceptions=True)
    ready = [(uid, c) for uid, c in zip(users, prepared, strict=True)
             if isinstance(c, Conversation)]
    failures = [str(c) for c in prepared if not isinstance(c, Conversation)]
    fake.set_rate_limits(enabled=True)  # Telegram's limits, 20 a minute per group among them
    calls, sent = len(fake.calls()), len(rec.desk_sent)
    t0 = time.monotonic()
    for uid, conversation in ready:
        act(fake, uid, NEW_ORDER[-1], conversation.answer)
    while (sum(t >= t0 for t in rec.cards.values()) < len(ready)
           and time.monotonic() < t0 + DESK_TIMEOUT):
        await asyncio.sleep(0.2)
    cards = [t for t in rec.cards.values() if t >= t0]
    if len(cards) < len(ready):
        failures.append(f"{len(ready) - len(cards)} cards missing after {DESK_TIMEOUT:.0f} s")
    await drained(rec, database, t0 + DESK_TIMEOUT)
    return DeskRun(
        orders=len(ready), topics_s=max(rec.topics.values(), default=t0) - t0,
        cards_s=max(cards, default=t0) - t0, all_s=max(rec.desk_sent[sent:], default=t0) - t0,
        messages=len(rec.desk_sent) - sent,
        refused=sum(c.error_code == 429 for c in fake.calls()[calls:]), failures=failures,
        per_group=tuple(Counter(rec.desk_chats[sent:]).values()))


async def drained(rec: Recorder, database: Path, deadline: float) -> None:
    """Until nothing waits in the outbox for the desk and nothing went there for 3 s."""
    while time.monotonic() < deadline:
        quiet = time.monotonic() - max(rec.desk_sent, default=0.0) > 3
        if quiet and pending_desk_rows(database) == 0:
            return
        await asyncio.sleep(0.5)
