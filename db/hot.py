"""The statements every update runs (its conversation's read and write, the person behind
it), on SQLite run straight on the sqlite3 connection the session holds.

On SQLite such a statement takes microseconds; SQLAlchemy's way to it (a greenlet, an
execution context, aiosqlite's adapter making an awaitable of each cursor call, a result
object) cost 100–150 Python calls a statement, three statements an update. `Hot` compiles a
Core statement once for SQLite, with its parameters' and columns' type processors, and runs it
on the DBAPI connection of the session's own transaction: the same transaction (pysqlite
begins it before a write; the session commits or rolls it back), the same values stored and
read. The engine's cursor events fire as for any statement (the benchmark's SQL counts, tests
that count statements); a database error is raised as SQLAlchemy's. On other databases the
statement runs through SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Select

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    binds: tuple[tuple[str, Processor], ...]  # each parameter in place order
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # the columns with a processor


def _compile(stmt: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = stmt.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    binds = tuple((name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                  for name in compiled.positiontup or ())
    columns = stmt.selected_columns if isinstance(stmt, Select) else ()
    processors = (c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    results = tuple((i, p) for i, p in enumerate(processors) if p is not None)
    return _Compiled(compiled.string, binds, results)


class Hot:
    """A statement an update runs every time (see the module doc)."""

    def __init__(self, stmt: Executable) -> None:
        assert isinstance(stmt, ClauseElement)
        self.stmt = stmt
        self._sqlite: _Compiled | None = None

    async def run(self, s: AsyncSession, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """Its rows (none for a write), on the session's connection and transaction."""
        conn = await s.connection()
        sync = conn.sync_connection
        assert sync is not None
        if sync.dialect.name != "sqlite":
            result = await conn.execute(self.stmt, dict(params))
            return result.all() if result.returns_rows else []
        if self._sqlite is None:
            self._sqlite = _compile(self.stmt, sync.dialect)
        return _run(sync, self._sqlite, params)


def _run(sync: Connection, c: _Compiled, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    db: sqlite3.Connection = sync.connection.driver_connection.sqlite  # type: ignore[union-attr]
    values = tuple(params[name] if p is None else p(params[name]) for name, p in c.binds)
    cursor = db.cursor()
    try:
        for before in sync.dispatch.before_cursor_execute:
            before(sync, cursor, c.sql, values, None, False)
        try:
            cursor.execute(c.sql, values)
            rows = cursor.fetchall()
        except sqlite3.Error as exc:
            raise DBAPIError.instance(c.sql, values, exc, sqlite3.Error) from exc
        for after in sync.dispatch.after_cursor_execute:
            after(sync, cursor, c.sql, values, None, False)
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
