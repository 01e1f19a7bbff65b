"""Rows a unit of work only adds (the audit log, the outbox, the clocks' deadlines), inserted
by one Core statement per table instead of the ORM's unit of work.

Nothing reads such a row back as an object in the transaction that adds it, so building an
ORM object for each and flushing it through the unit of work (identity map, mapper ordering,
fetching each new id) was most of a use case's cost: *Confirm* adds five of them. `add` keeps
the row's values on the session; they are inserted, a statement a table, at the session's
next flush (the ORM's autoflush before a query included, so a query in the same transaction
sees them as it would see objects added) or when it commits, after the ORM's own objects (a
row may refer to one of them). A rollback drops what is still waiting.

The bot's sessions are `RowsSession`s; on any other session the rows go in at commit, so a
row added is never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from db.hot import insert_rows

_WAITING = "rows_waiting"


def add(s: AsyncSession, table: Table, values: dict[str, Any]) -> None:
    """Insert `values` into `table` with the session's next statement or commit."""
    waiting: dict[Table, list[dict[str, Any]]] = s.info.setdefault(_WAITING, {})
    rows = waiting.get(table)
    if rows is None:
        waiting[table] = [values]
    else:
        rows.append(values)


def waiting(s: AsyncSession | Session) -> int:
    """How many rows wait to be inserted (tests)."""
    return sum(map(len, s.info.get(_WAITING, {}).values()))


def _insert_waiting(session: Session) -> None:
    waiting: dict[Table, list[dict[str, Any]]] | None = session.info.pop(_WAITING, None)
    if waiting:
        connection = session.connection()
        for table, rows in waiting.items():
            insert_rows(connection, table, rows)


class RowsSession(Session):
    """The bot's sessions (db/engine.py): a flush, the ORM's autoflush before a query included,
    inserts the waiting rows after the ORM's objects, so a query sees them as it would see
    objects added to the session."""

    def flush(self, objects: Sequence[Any] | None = None) -> None:
        super().flush(objects)
        if objects is None and _WAITING in self.info:
            _insert_waiting(self)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    """On any session: what waits goes in with the commit, after the ORM's objects."""
    if _WAITING in session.info:
        session.flush()
        _insert_waiting(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction: what waited goes with it
        session.info.pop(_WAITING, None)
