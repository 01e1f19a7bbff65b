"""The SQLite engine runs statements on the event loop's own thread (db/engine.py): a unit of
work is not interleaved with other updates' work between its statements, so the one
connection is held only as long as the statements take (it used to be held through a turn of
the busy loop per statement, and a burst of Confirms queued behind it for up to a second)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from db.engine import make_engine, make_sessionmaker
from db.models import Base, User


async def test_a_unit_of_work_on_sqlite_does_not_yield_between_its_statements(
        tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/inline.sqlite3")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        sessions = make_sessionmaker(engine)
        turns = 0
        stop = asyncio.Event()

        async def other_updates() -> None:  # what else the loop runs meanwhile
            nonlocal turns
            while not stop.is_set():
                turns += 1
                await asyncio.sleep(0)

        others = asyncio.create_task(other_updates())
        await asyncio.sleep(0)
        async with sessions() as s, s.begin():
            before = turns
            for uid in range(1, 11):
                s.add(User(id=uid, first_name=f"U{uid}", created_at=datetime.now(UTC)))
                await s.flush()
                await s.scalar(select(User.first_name).where(User.id == uid))
            during = turns - before
        stop.set()
        await others
        assert during == 0, f"the loop ran other work {during} times inside the unit of work"
        async with sessions() as s:  # and it was all stored
            assert await s.scalar(text("SELECT count(*) FROM users")) == 10
    finally:
        await engine.dispose()


async def test_the_engine_still_connects_and_closes_through_aiosqlite(tmp_path: Path) -> None:
    """Connecting and closing go through aiosqlite's worker thread; after dispose nothing is
    left running (a thread left behind would keep the process alive at exit)."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/close.sqlite3")
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert (await conn.execute(text("SELECT casefold('ŚWIAT')"))).scalar() == "świat"
    await engine.dispose()
    thread = driver._thread  # type: ignore[union-attr]
    thread.join(timeout=5)
    assert not thread.is_alive()
