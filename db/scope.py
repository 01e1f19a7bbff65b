"""One database session for everything one update (or one pass of the outbox sender) needs.

An update used to open a session for each thing it read or wrote: the conversation's state,
the person behind it, the use case, the conversation again; each checked a connection out,
began a transaction and handed the connection back. The dispatcher now opens `session_scope()`
around each update (the sender around each pass), and what runs inside uses that one session:

- a read (`reading`) leaves the session's transaction open, so the next unit of work commits
  it together with its own changes: the conversation's state and the person are read, and the
  person refreshed, in one transaction;
- a unit of work (`writing`, what `Context.tx` uses) commits at its end as before, so what a
  use case changed is stored before the bot answers; then the session forgets its objects and
  notes, as a new session would;
- `release()` ends a read still open before the update waits on anything else (a request to
  Telegram), so a connection (SQLite has one) is never held while the update waits.

Outside an update (the clock, the sender, a test calling a service), in a task the update
started, or inside another unit of work, every call gets a session of its own, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class SessionScope:
    """The session of the update being handled (or of the sender's pass), and who may use
    it: the task that opened it, one read or unit of work at a time."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.owner = asyncio.current_task()
        self.busy = False  # inside a read or a unit of work: a nested one gets its own session

    def usable(self) -> bool:
        return not self.busy and self.owner is asyncio.current_task()

    async def release(self) -> None:
        """End a read still open (it changed nothing) and hand the connection back. What it
        loaded is let go first, so the rollback expires none of it."""
        self.forget()
        if self.session.in_transaction():
            await self.session.rollback()

    def forget(self) -> None:
        """Let go of what the session holds, as a new session would start."""
        self.session.expunge_all()
        self.session.info.clear()


_current: ContextVar[SessionScope | None] = ContextVar("session_scope", default=None)


def _scope() -> SessionScope | None:
    scope = _current.get()
    return scope if scope is not None and scope.usable() else None


@asynccontextmanager
async def session_scope(sessions: async_sessionmaker[AsyncSession]
                       ) -> AsyncIterator[SessionScope]:
    session = sessions()
    scope = SessionScope(session)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
        if session.in_transaction():  # a connection to hand back: as `async with` closes it,
            await asyncio.shield(session.close())  # in a task a cancellation cannot cut
        else:
            # Most updates end having committed or released: nothing to hand back, so no
            # task and no turns of the loop (AsyncSession's own exit makes both every time).
            session.sync_session.close()


async def release() -> None:
    """The update is about to wait (on Telegram): end its open read, if any."""
    scope = _scope()
    if scope is not None:
        await scope.release()


@asynccontextmanager
async def reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session to read with; in an update, the update's own, its read left open for the
    next unit of work to commit."""
    scope = _scope()
    if scope is None:
        async with sessions() as session:
            yield session
        return
    scope.busy = True
    try:
        yield scope.session
    except BaseException:
        scope.busy = False
        await scope.release()
        raise
    finally:
        scope.busy = False


@asynccontextmanager
async def writing(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits at its end, rolls back on any error."""
    scope = _scope()
    if scope is None:
        async with sessions() as session, session.begin():
            yield session
        return
    session = scope.session
    session.expunge_all()  # what the update read before is read again, as in a new session
    scope.busy = True
    try:
        yield session
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        scope.forget()
        scope.busy = False
