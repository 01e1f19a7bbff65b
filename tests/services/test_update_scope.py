"""db/scope.py's session of one update: how it ends. Most updates end having committed or
released their read, and then closing the session touches nothing (no task, no turn of the
loop, which AsyncSession's own exit made on every update); one that ends with a read still
open hands the one SQLite connection back, or every later update would wait for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.engine import make_engine, make_sessionmaker
from db.models import Base, User
from db.scope import reading, session_scope, writing


async def _sessions(path: Path) -> Any:
    engine = make_engine(f"sqlite+aiosqlite:///{path}/scope.sqlite3")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    return engine, make_sessionmaker(engine)


async def test_a_read_left_open_hands_the_connection_back(tmp_path: Path) -> None:
    engine, sessions = await _sessions(tmp_path)
    try:
        async with session_scope(sessions):
            async with reading(sessions) as s:
                assert await s.scalar(select(User.id)) is None
            # the update ends here without releasing its read
        async def later_update() -> None:
            async with session_scope(sessions), writing(sessions) as s:
                s.add(User(id=1, first_name="Anna", created_at=datetime.now(UTC)))
        await asyncio.wait_for(later_update(), timeout=5)  # not the pool's 60 s
        async with sessions() as s:
            assert await s.scalar(select(User.first_name)) == "Anna"
    finally:
        await engine.dispose()


async def test_an_update_that_committed_closes_its_session_without_a_task(
        tmp_path: Path) -> None:
    engine, sessions = await _sessions(tmp_path)
    loop = asyncio.get_running_loop()
    made: list[Any] = []
    factory = loop.get_task_factory()

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> Any:
        made.append(coro)
        return (factory or asyncio.Task)(coro, loop=loop, **kwargs)  # type: ignore[arg-type]

    try:
        async with session_scope(sessions):
            async with reading(sessions) as s:
                await s.scalar(select(User.id))
            async with writing(sessions) as s:  # commits the read with it
                s.add(User(id=2, first_name="Olga", created_at=datetime.now(UTC)))
            loop.set_task_factory(counting)
        loop.set_task_factory(factory)
        assert made == []
        async with sessions() as s:
            assert await s.scalar(select(User.first_name)) == "Olga"
    finally:
        loop.set_task_factory(factory)
        await engine.dispose()
