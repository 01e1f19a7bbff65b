"""db/hot.py: the statements every update runs go straight to the sqlite3 connection on
SQLite (through SQLAlchemy elsewhere). What they store and read must be what SQLAlchemy would
store and read, in the session's own transaction, seen by the engine's statement events, and
their errors SQLAlchemy's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import make_sessionmaker
from db.hot import Hot
from db.models import FsmRecord, User, table_of

NOW = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
_T = table_of(FsmRecord)
_WRITE = Hot(insert(_T).values(key=bindparam("key"), state=bindparam("state"),
                               data=bindparam("data"), updated_at=bindparam("updated_at")))
_READ = Hot(select(_T.c.state, _T.c.data, _T.c.updated_at).where(_T.c.key == bindparam("key")))
DATA = {"draft": {"photos": ["a", "b"], "price": 1250, "ok": True, "note": None},
        "name": "Łucja «Ж» 李"}


async def test_what_it_writes_sqlalchemy_reads_and_back(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as s, s.begin():
        await _WRITE.run(s, {"key": "k1", "state": "NewOrder:address", "data": DATA,
                             "updated_at": NOW})
        s.add(FsmRecord(key="k2", state=None, data=DATA, updated_at=NOW))
    async with AsyncSession(engine) as s:
        stored = await s.get(FsmRecord, "k1")
        assert stored is not None
        assert (stored.state, stored.data, stored.updated_at) == ("NewOrder:address", DATA, NOW)
    async with sessions() as s:
        assert await _READ.run(s, {"key": "k2"}) == [(None, DATA, NOW)]
        assert await _READ.run(s, {"key": "nobody"}) == []


async def test_it_runs_in_the_sessions_transaction(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as s:
        await _WRITE.run(s, {"key": "gone", "state": "x", "data": {}, "updated_at": NOW})
        assert await _READ.run(s, {"key": "gone"}) != []  # the transaction sees its own write
        await s.rollback()
    async with sessions() as s, s.begin():
        s.add(User(id=7, first_name="Ola", created_at=NOW))
        await _WRITE.run(s, {"key": "kept", "state": "x", "data": {}, "updated_at": NOW})
    async with AsyncSession(engine) as s:
        assert await s.get(FsmRecord, "gone") is None
        assert await s.get(FsmRecord, "kept") is not None
        assert await s.get(User, 7) is not None


async def test_the_engines_statement_events_see_it(engine: AsyncEngine) -> None:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split()[0])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with make_sessionmaker(engine)() as s:
            await _READ.run(s, {"key": "k"})
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert seen == ["SELECT"]


async def test_a_database_error_is_sqlalchemys(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    row = {"key": "twice", "state": None, "data": {}, "updated_at": NOW}
    async with sessions() as s:
        await _WRITE.run(s, row)
        with pytest.raises(IntegrityError):
            await _WRITE.run(s, row)
