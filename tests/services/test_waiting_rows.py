"""db/rows.py: the audit log, the outbox and the deadlines are added as plain rows inserted
by one statement a table, not as ORM objects. Nothing added may be lost or seen twice: a row
is stored when its transaction commits (on any session), seen by a query later in the same
transaction, dropped with a rollback, and inserted after the ORM objects it may refer to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain.states import Role
from bot.services.base import Context, audit
from db import deadlines, outbox, rows
from db.engine import make_sessionmaker
from db.models import AuditEntry, Deadline, Order, OutboxMessage, User
from db.scope import session_scope, writing

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _note(s: AsyncSession, chat_id: int) -> None:
    outbox.add(s, kind="note", chat_id=chat_id, order_id=None, payload={"text": "hi"},
               priority=1, next_attempt_at=NOW, created_at=NOW)


async def _count(engine: AsyncEngine, model: type) -> int:
    async with AsyncSession(engine) as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_rows_are_stored_with_the_commit_not_before(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as s, s.begin():
        _note(s, 1)
        _note(s, 2)
        audit(s, NOW, actor_id=None, role=Role.SYSTEM, action="note")
        assert rows.waiting(s) == 3
        assert await _count(engine, OutboxMessage) == 0  # not yet: nothing is committed
    assert await _count(engine, OutboxMessage) == 2
    assert await _count(engine, AuditEntry) == 1
    async with AsyncSession(engine) as s:
        stored = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(m.chat_id, m.payload, m.status, m.attempts) for m in stored] == [
        (1, {"text": "hi"}, "pending", 0), (2, {"text": "hi"}, "pending", 0)]


async def test_a_query_in_the_same_transaction_sees_the_rows(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as s, s.begin():
        _note(s, 5)
        seen = await s.scalar(select(func.count(OutboxMessage.id)))
        assert seen == 1
        assert rows.waiting(s) == 0
        _note(s, 6)
    assert await _count(engine, OutboxMessage) == 2  # each once


async def test_a_rollback_drops_what_waits(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    with pytest.raises(RuntimeError):
        async with sessions() as s, s.begin():
            _note(s, 1)
            raise RuntimeError("the use case failed")
    async with sessions() as s, s.begin():
        _note(s, 2)
        await s.rollback()
        assert rows.waiting(s) == 0
    async with session_scope(sessions):
        with pytest.raises(RuntimeError):
            async with writing(sessions) as s:
                _note(s, 3)
                raise RuntimeError("refused")
        async with writing(sessions) as s:  # the update's next unit of work on that session
            _note(s, 4)
    async with AsyncSession(engine) as s:
        assert (await s.scalars(select(OutboxMessage.chat_id))).all() == [4]


async def test_a_plain_session_stores_them_at_commit(engine: AsyncEngine) -> None:
    async with AsyncSession(engine, expire_on_commit=False) as s, s.begin():
        _note(s, 9)
    assert await _count(engine, OutboxMessage) == 1


async def test_rows_go_in_after_the_objects_they_refer_to(ctx: Context,
                                                         engine: AsyncEngine) -> None:
    """A deadline of an order still waiting in the ORM's unit of work (its id given, so
    nothing needed a flush before): foreign keys are checked, so the order must go first."""
    async with ctx.tx() as s:
        s.add(User(id=501, first_name="Anna", created_at=NOW))
    async with ctx.tx() as s:
        s.add(Order(id=4321, draft_token="t-4321", client_id=501, service="plumbing",
                    description="tap", photos=[], area="Centre", phone="+79990001122",
                    payment="cash", status="submitted", created_at=NOW, updated_at=NOW))
        deadlines.add(s, 4321, "triage", NOW, NOW)
        audit(s, NOW, actor_id=501, role=Role.CLIENT, action="submit", order_id=4321)
    assert await _count(engine, AuditEntry) == 1
    async with AsyncSession(engine) as s:
        assert (await s.execute(select(Deadline.order_id, Deadline.kind))).all() == [
            (4321, "triage")]
