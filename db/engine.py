"""The async engine. SQLite gets WAL, a busy timeout, foreign keys and one connection, so
concurrent writers queue in asyncio instead of fighting for SQLite's write lock (DESIGN.md).

SQLite runs each statement on the event loop's own thread (`InlineConnection`): aiosqlite hands
every call to its worker thread and waits for the loop to pick the answer up, so a unit of work
of ten statements held the one connection through ten turns of a busy loop, and updates queued
behind it (a burst of Confirms waited up to a second at 50 updates a second). A statement on a
local SQLite file takes microseconds to a few milliseconds; the largest the bot runs (/stats,
/export's chunks at 100,000 orders) stay under 30 ms (bench/bigdesk.py). SQLite is for one
process: another process writing the same file would make the whole loop wait out the busy
timeout, where before only the database calls waited.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from db.rows import RowsSession


def make_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # The file and options exactly as SQLAlchemy's aiosqlite dialect would open them.
        args, kwargs = parsed.get_dialect()().create_connect_args(parsed)
        engine = create_async_engine(
            url, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0, pool_timeout=60,
            async_creator=partial(_connect_inline, args[0], **kwargs))

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            # SQLite's lower() knows only ASCII: the desk's /find must match "Świat", "Петров".
            dbapi_conn.create_function("casefold", 1, _casefold, deterministic=True)

        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


class InlineConnection(aiosqlite.Connection):
    """aiosqlite, but once connected each call runs at once on the calling (the event loop's)
    thread: no hand-over to the worker thread and back. Connecting and closing still go through
    the worker, which created the sqlite3 connection (shared across threads, used by one at a
    time)."""

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection, for statements run on it directly (db/hot.py)."""
        assert self._connection is not None
        return self._connection

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._connection is None:  # connecting, or closed: aiosqlite's own way
            return await super()._execute(fn, *args, **kwargs)
        return fn(*args, **kwargs)


async def _connect_inline(database: str, **kwargs: Any) -> aiosqlite.Connection:
    kwargs["check_same_thread"] = False
    connection = InlineConnection(partial(sqlite3.connect, database, **kwargs),
                                  iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
    return await connection


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=RowsSession)
