"""The statements every update runs (its conversation's read and write, the person behind
it, Confirm's reads and inserts), on SQLite run straight on the sqlite3 connection the session
holds.

On SQLite such a statement takes microseconds; SQLAlchemy's way to it (a greenlet, an
execution context, aiosqlite's adapter making an awaitable of each cursor call, a result
object) cost 100–150 Python calls a statement, several statements an update. `Hot` compiles a
Core statement once for SQLite, with its parameters' and columns' type processors and, for an
INSERT, the Python-side defaults of the columns not given, and runs it on the DBAPI connection
of the session's own transaction: the same transaction (pysqlite begins it before a write; the
session commits or rolls it back), the same values stored and read. The engine's cursor events
fire as for any statement (the benchmark's SQL counts, tests that count statements); a database
error is raised as SQLAlchemy's. On other databases, on a connection that is not the bot's
inline SQLite one, or for a default only SQLAlchemy can compute (an SQL expression, a function
of the execution context), the statement runs through SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Executable, Table, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.sql.schema import CallableColumnDefault, Column, ScalarElementColumnDefault

Processor = Callable[[Any], Any] | None
Fill = Callable[[], Any] | None  # a parameter's value when the caller gives none
Params = Mapping[str, Any]
M = TypeVar("M")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    binds: tuple[tuple[str, Processor, Fill], ...]  # each parameter in place order
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # the columns with a processor

    def values(self, params: Params) -> tuple[Any, ...]:
        given = [params[name] if fill is None or name in params else fill()
                 for name, _, fill in self.binds]
        return tuple([value if process is None else process(value)
                      for value, (_, process, _) in zip(given, self.binds, strict=True)])


_UNSEEN: Any = object()


class _Unsupported(Exception):
    """A default only SQLAlchemy can compute: the statement goes through SQLAlchemy."""


def _default(column: Column[Any]) -> Fill:
    default = column.default
    if isinstance(default, ScalarElementColumnDefault):
        value = default.arg
        return lambda: value
    if isinstance(default, CallableColumnDefault) and default.arg is not default._given_arg:
        make: Callable[[Any], Any] = default.arg  # of no arguments, wrapped to take one
        return lambda: make(None)
    raise _Unsupported(column.key)


def _fill(bind: BindParameter[Any], defaults: Mapping[str, Column[Any]]) -> Fill:
    if bind.key in defaults:
        return _default(defaults[bind.key])
    if not bind.required:  # a value given when the statement was built
        return lambda: bind.effective_value
    return None


def _compile(stmt: ClauseElement, dialect: Dialect, keys: Sequence[str] | None
             ) -> _Compiled | None:
    compiled = stmt.compile(dialect=dialect, column_keys=keys)
    assert isinstance(compiled, SQLCompiler)
    if compiled.update_prefetch:
        return None
    defaults = {c.key: c for c in compiled.insert_prefetch}
    try:
        binds = tuple((name, bind.type.dialect_impl(dialect).bind_processor(dialect),
                       _fill(bind, defaults))
                      for name in compiled.positiontup or ()
                      for bind in (compiled.binds[name],))
    except _Unsupported:
        return None
    columns = stmt.exported_columns  # type: ignore[attr-defined]
    processors = (c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    results = tuple((i, p) for i, p in enumerate(processors) if p is not None)
    return _Compiled(compiled.string, binds, results)


def _sqlite(sync: Connection) -> sqlite3.Connection | None:
    """The sqlite3 connection under the bot's inline SQLite connection (db/engine.py), which
    alone has one."""
    return getattr(sync.connection.driver_connection, "sqlite", None)


class Hot:
    """A statement an update runs every time (see the module doc). An INSERT without values
    of its own takes the columns its parameters name, the others their defaults."""

    def __init__(self, stmt: Executable) -> None:
        assert isinstance(stmt, ClauseElement)
        self.stmt = stmt
        self.keys: tuple[str, ...] = tuple(c.key for c in stmt.exported_columns)  # type: ignore[attr-defined]
        self._by_keys = isinstance(stmt, Insert) and not stmt._values
        self._sqlite: dict[tuple[str, ...] | None, _Compiled | None] = {}

    def compiled(self, sync: Connection, params: Params) -> _Compiled | None:
        """For SQLite; None: the statement goes through SQLAlchemy."""
        keys = tuple(params) if self._by_keys else None
        c = self._sqlite.get(keys, _UNSEEN)
        if c is _UNSEEN:
            c = self._sqlite[keys] = _compile(self.stmt, sync.dialect, keys)
        return c

    async def run(self, s: AsyncSession, params: Params) -> Sequence[Sequence[Any]]:
        """Its rows (none for a write without RETURNING), on the session's connection and
        transaction."""
        conn = await s.connection()
        sync = conn.sync_connection
        assert sync is not None
        db = _sqlite(sync)
        c = self.compiled(sync, params) if db is not None else None
        if db is not None and c is not None:
            return _run(sync, db, c, (params,))
        result = await conn.execute(self.stmt, dict(params))
        return result.all() if result.returns_rows else []

    async def stored(self, s: AsyncSession, model: Callable[..., M], params: Params) -> M | None:
        """The first row as `model` built from its columns (an object the session does not
        hold), or None."""
        rows = await self.run(s, params)
        return model(**dict(zip(self.keys, rows[0], strict=True))) if rows else None


@cache
def _insert(table: Table) -> Hot:
    return Hot(insert(table))


def insert_rows(sync: Connection, table: Table, rows: Sequence[Params]) -> None:
    """`rows` into `table`, one statement (executemany) per set of columns given, inside a
    flush (a synchronous connection)."""
    hot = _insert(table)
    db = _sqlite(sync)
    groups: dict[tuple[str, ...], list[Params]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for group in groups.values():
        c = hot.compiled(sync, group[0]) if db is not None else None
        if db is None or c is None:
            sync.execute(hot.stmt, [dict(row) for row in group])
        else:
            _run(sync, db, c, group)


def _run(sync: Connection, db: sqlite3.Connection, c: _Compiled, params: Sequence[Params]
         ) -> list[tuple[Any, ...]]:
    many = len(params) > 1
    values: Any = [c.values(p) for p in params] if many else c.values(params[0])
    cursor = db.cursor()
    try:
        for before in sync.dispatch.before_cursor_execute:
            before(sync, cursor, c.sql, values, None, many)
        try:
            if many:
                cursor.executemany(c.sql, values)
                rows = []
            else:
                cursor.execute(c.sql, values)
                rows = cursor.fetchall()
        except sqlite3.Error as exc:
            raise DBAPIError.instance(c.sql, values, exc, sqlite3.Error) from exc
        for after in sync.dispatch.after_cursor_execute:
            after(sync, cursor, c.sql, values, None, many)
    finally:
        cursor.close()
    if not c.results:
        return rows
    processed = []
    for row in rows:
        columns = list(row)
        for i, process in c.results:
            columns[i] = process(columns[i])
        processed.append(tuple(columns))
    return processed
