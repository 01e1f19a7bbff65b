"""Persisted FSM storage: conversations survive a restart of the bot.

SQL (the bot's own database) by default; aiogram's RedisStorage when REDIS_URL is set.
Data must be JSON-safe: drafts are stored as `model_dump(mode="json")`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.hot import Hot
from db.models import FsmRecord, table_of
from db.scope import reading, writing

# Built once, on the table (Core, not the ORM's entities) and run on the session's connection:
# building a statement costs about as much as running it on SQLite, and a conversation is read
# and written on every update.
_T = table_of(FsmRecord)
_READ = Hot(select(_T.c.state, _T.c.data).where(_T.c.key == bindparam("key")))
_DELETE = Hot(delete(_T).where(_T.c.key == bindparam("key")))
_UPSERTS: dict[tuple[str, tuple[str, ...]], Hot] = {}


def _upsert_statement(dialect: str, columns: tuple[str, ...]) -> Hot:
    """INSERT … ON CONFLICT that sets `columns` (state and/or data) and updated_at; a new
    row gets the others' defaults. Bound: key, state, data, updated_at."""
    stmt = _UPSERTS.get((dialect, columns))
    if stmt is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        new = insert(_T).values(key=bindparam("key"), state=bindparam("state"),
                                       data=bindparam("data"),
                                       updated_at=bindparam("updated_at"))
        stmt = _UPSERTS[dialect, columns] = Hot(new.on_conflict_do_update(
            index_elements=[_T.c.key],
            set_={c: getattr(new.excluded, c) for c in (*columns, "updated_at")}))
    return stmt


class SQLStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sessions = sessions
        self.clock = clock  # the services' clock: housekeeping ages rows by it
        self.keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def _upsert(self, key: StorageKey, **values: Any) -> None:
        row = {"key": self.keys.build(key), "state": None, "data": {},
               "updated_at": self.clock(), **values}
        async with writing(self.sessions) as s:
            stmt = _upsert_statement(s.get_bind().dialect.name, tuple(sorted(values)))
            await stmt.run(s, row)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with reading(self.sessions) as s:
            return await s.scalar(select(FsmRecord.state).where(
                FsmRecord.key == self.keys.build(key)))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._upsert(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with reading(self.sessions) as s:
            data = await s.scalar(select(FsmRecord.data).where(
                FsmRecord.key == self.keys.build(key)))
            return dict(data or {})

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """State and data in one query (fsm/buffer.py reads a conversation once per update)."""
        async with reading(self.sessions) as s:
            rows = await _READ.run(s, {"key": self.keys.build(key)})
        return (rows[0][0], dict(rows[0][1] or {})) if rows else (None, {})

    async def set_record(self, key: StorageKey, values: Mapping[str, Any]) -> None:
        """State and/or data in one statement; a cleared conversation leaves no row (so a
        conversation cleared before the person's data is erased is not written back)."""
        if values.get("state", "") is None and values.get("data") == {}:
            async with writing(self.sessions) as s:
                await _DELETE.run(s, {"key": self.keys.build(key)})
            return
        await self._upsert(key, **{k: dict(v) if k == "data" else v for k, v in values.items()})

    async def close(self) -> None:
        return None
