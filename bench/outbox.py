"""Benchmark of the outbox's drain (not a test, issue 16):
python bench/outbox.py [--messages 1000] [--runs 1]

The real `python -m bot` (SQLite in a temporary folder) polls the fake Bot API of
bot/sandbox/telegram with Telegram's flood limits ON (30 messages a second overall, about one a
second per private chat). N notifications to N different people are queued in the bot's
database in one transaction, as a use case queues them (bot.services.base.outbox_row), and the
sender finds them at its next poll. Timed from the commit until the fake has received the last
one; it prints messages a second, the 429s the bot met, and whether any notification was lost
or came twice (each person must get exactly one).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.flow_clients import Recorder  # noqa: E402
from bench.flow_process import DESK, MANAGER, TOKEN, running  # noqa: E402
from bot.events import MasterDecision, To  # noqa: E402
from bot.sandbox.telegram import FakeTelegram  # noqa: E402
from bot.services.base import outbox_row, utcnow  # noqa: E402
from db import outbox  # noqa: E402
from db.engine import make_sessionmaker  # noqa: E402

TIMEOUT = 600.0


async def queue(database: Path, people: list[int]) -> float:
    """The notifications, committed at once; returns when (monotonic)."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with make_sessionmaker(engine)() as s, s.begin():
            now = utcnow()
            await outbox.add_many(s, [outbox_row(now, MasterDecision(approved=True),
                                                 To.chat(uid)) for uid in people])
        return time.monotonic()
    finally:
        await engine.dispose()


def received(fake: FakeTelegram, start: int) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in fake.calls()[start:]
                   if c.method == "sendMessage" and c.error_code is None)


def last_sent(fake: FakeTelegram, start: int, t0: float) -> float:
    return max((c.at for c in fake.calls()[start:]
                if c.method == "sendMessage" and c.error_code is None), default=t0)


async def drain(n: int) -> tuple[float, int, int, int]:
    """(seconds, 429s, people who got nothing, people who got more than one)."""
    async with FakeTelegram(token=TOKEN) as fake:
        fake.add_forum(DESK, "Masterdesk", admins=[MANAGER])
        fake.add_user(MANAGER, "Olga", language_code="en")
        people = list(range(500_000, 500_000 + n))
        for uid in people:  # each wrote to the bot once: reachable
            fake.add_user(uid, f"Client {uid}", language_code="en", started=True)
        rec = Recorder(fake, DESK)
        with tempfile.TemporaryDirectory(prefix="outbox-") as tmp:
            folder = Path(tmp)
            async with running("masterdesk", fake, rec, folder):
                fake.set_rate_limits(enabled=True)
                start = len(fake.calls())
                t0 = await queue(folder / "desk.sqlite3", people)
                got, last = received(fake, start), t0
                while len(got) < n and time.monotonic() < t0 + TIMEOUT:
                    await asyncio.sleep(0.1)
                    got, last = received(fake, start), last_sent(fake, start, t0)
                refused = sum(c.error_code == 429 for c in fake.calls()[start:])
                await asyncio.sleep(2.0)  # anything sent twice would come now
                got = received(fake, start)
    lost = sum(1 for uid in people if got[uid] == 0)
    twice = sum(1 for uid in people if got[uid] > 1)
    return last - t0, refused, lost, twice


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"Outbox: {args.messages} notifications to {args.messages} people, queued at once; "
          "Telegram's flood limits on (30 a second overall)")
    print(f"{'run':>3} {'seconds':>8} {'msg/s':>7} {'429s':>5} {'lost':>5} {'twice':>5}",
          flush=True)
    for run in range(1, args.runs + 1):
        seconds, refused, lost, twice = await drain(args.messages)
        rate = args.messages / seconds if seconds > 0 else float("nan")
        print(f"{run:>3} {seconds:>8.1f} {rate:>7.1f} {refused:>5} {lost:>5} {twice:>5}",
              flush=True)


if __name__ == "__main__":
    asyncio.run(main())
