"""db/hot.py: the statements every update runs go straight to the sqlite3 connection on
SQLite (through SQLAlchemy elsewhere). What they store and read must be what SQLAlchemy would
store and read, in the session's own transaction, seen by the engine's statement events, and
their errors SQLAlchemy's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db import orders
from db.engine import make_sessionmaker
from db.hot import Hot, insert_rows
from db.models import FsmRecord, Order, OutboxMessage, Service, User, table_of

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


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    """The first word of every statement the engine runs meanwhile."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split()[0])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_the_engines_statement_events_see_it(engine: AsyncEngine) -> None:
    with counting(engine) as seen:
        async with make_sessionmaker(engine)() as s:
            await _READ.run(s, {"key": "k"})
    assert seen == ["SELECT"]


async def test_a_database_error_is_sqlalchemys(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    row = {"key": "twice", "state": None, "data": {}, "updated_at": NOW}
    async with sessions() as s:
        await _WRITE.run(s, row)
        with pytest.raises(IntegrityError):
            await _WRITE.run(s, row)


# --- inserts: the columns given, the others their defaults; RETURNING as the model ---------

_OUTBOX = table_of(OutboxMessage)
_ORDER = table_of(Order)
_NEW_ORDER = Hot(insert(_ORDER).returning(*_ORDER.c))


async def client_and_service(s: AsyncSession, client_id: int) -> None:
    s.add(User(id=client_id, first_name="Ola", created_at=NOW))
    s.add(Service(code="plumbing", names={"en": "Plumbing"}))
    await s.flush()


def new_order(client_id: int, token: str, **values: Any) -> dict[str, Any]:
    return {"draft_token": token, "client_id": client_id, "service": "plumbing",
            "description": "tap", "area": "Centre", "phone": "+48 600", "payment": "cash",
            "status": "submitted", "created_at": NOW, "updated_at": NOW, **values}


async def test_an_insert_stores_the_defaults_of_the_columns_not_given(engine: AsyncEngine
                                                                      ) -> None:
    sessions = make_sessionmaker(engine)
    given = {"kind": "text", "chat_id": 5, "next_attempt_at": NOW, "created_at": NOW}
    async with sessions() as s, s.begin():
        await Hot(insert(_OUTBOX)).run(s, given)
        await Hot(insert(_OUTBOX)).run(s, {**given, "chat_id": 6, "payload": {"t": "é"},
                                            "status": "sent"})
        s.add(OutboxMessage(**{**given, "chat_id": 7}))  # as the ORM stores it
    async with AsyncSession(engine) as s:
        stored = {m.chat_id: m for m in (await s.scalars(select(OutboxMessage))).all()}
    fields = ("payload", "priority", "status", "attempts", "next_attempt_at")
    assert [getattr(stored[5], f) for f in fields] == [getattr(stored[7], f) for f in fields]
    assert [getattr(stored[5], f) for f in fields] == [{}, 1, "pending", 0, NOW]
    assert (stored[6].payload, stored[6].status) == ({"t": "é"}, "sent")


async def test_returning_gives_the_row_as_stored_as_a_model_the_session_does_not_hold(
        engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as s, s.begin():
        await client_and_service(s, 8)
        order = await _NEW_ORDER.stored(s, Order, new_order(8, "t1", photos=["p1"]))
        assert order is not None and order not in s
    async with AsyncSession(engine) as s:
        again = await s.get(Order, order.id)
    assert again is not None
    for column in _ORDER.c.keys():
        assert getattr(order, column) == getattr(again, column), column
    assert (order.photos, order.urgent, order.code_attempts, order.sla_state,
            order.report_photos, order.created_at) == (["p1"], False, 0, "ok", [], NOW)


async def test_values_built_into_the_statement_are_bound(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as s, s.begin():
        await client_and_service(s, 9)
        await orders.add(s, **new_order(9, "t1"))
        await orders.add(s, **new_order(9, "t2", status="cancelled"))
    async with sessions() as s:
        assert await orders.counts_of_client(s, 9, ["submitted", "offered"], NOW) == (1, 2)
        assert await orders.counts_of_client(s, 9, ["cancelled"], NOW) == (1, 2)
        assert await orders.counts_of_client(s, 9, ["done"], NOW + timedelta(seconds=1)) == (0, 0)


async def test_many_rows_one_statement_per_set_of_columns(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    given = {"kind": "text", "next_attempt_at": NOW, "created_at": NOW}
    rows = [{**given, "chat_id": 1}, {**given, "chat_id": 2, "priority": 0},
            {**given, "chat_id": 3}, {**given, "chat_id": 4, "priority": 0}]
    with counting(engine) as seen:
        async with sessions() as s, s.begin():
            await s.run_sync(lambda sync: insert_rows(sync.connection(), _OUTBOX, rows))
    assert seen == ["INSERT", "INSERT"]
    async with AsyncSession(engine) as s:
        stored = (await s.execute(select(_OUTBOX.c.chat_id, _OUTBOX.c.priority,
                                         _OUTBOX.c.payload).order_by(_OUTBOX.c.chat_id))).all()
    assert [tuple(r) for r in stored] == [(1, 1, {}), (2, 0, {}), (3, 1, {}), (4, 0, {})]


_SCRATCH = MetaData()
_COUNTED = Table(
    "hot_scratch", _SCRATCH, Column("id", Integer, primary_key=True),
    Column("label", String(20)),
    # Defaults only SQLAlchemy computes: from the execution context, and in SQL.
    Column("echo", String(20), default=lambda context: context.get_current_parameters()["label"]),
    Column("made", String(40), default=func.lower("MADE")),
)


async def test_defaults_only_sqlalchemy_computes_go_through_sqlalchemy(engine: AsyncEngine
                                                                       ) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_SCRATCH.create_all)
    try:
        async with make_sessionmaker(engine)() as s, s.begin():
            await Hot(insert(_COUNTED)).run(s, {"label": "one"})
            await s.run_sync(lambda sync: insert_rows(
                sync.connection(), _COUNTED, [{"label": "two"}, {"label": "three"}]))
        async with AsyncSession(engine) as s:
            stored = (await s.execute(select(_COUNTED.c.label, _COUNTED.c.echo,
                                             _COUNTED.c.made).order_by(_COUNTED.c.id))).all()
        assert [tuple(r) for r in stored] == [
            ("one", "one", "made"), ("two", "two", "made"), ("three", "three", "made")]
    finally:
        async with engine.begin() as conn:
            await conn.run_sync(_SCRATCH.drop_all)
