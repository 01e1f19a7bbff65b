"""Compare-and-set: an UPDATE whose WHERE holds the row as it was read. Of two writers (two
masters accepting one job, a double tap on Confirm) one moves the row, the other learns it
lost — every such check in one place, typed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Delete, Update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import Conflict


async def affected(s: AsyncSession, stmt: Update | Delete,
                   params: Mapping[str, Any] | None = None) -> int:
    """How many rows an UPDATE or DELETE changed (`params`: a statement built once)."""
    result = cast(CursorResult[Any], await s.execute(stmt, params))
    return int(result.rowcount)


async def cas(s: AsyncSession, stmt: Update, *, conflict: str | None = "error.conflict",
              params: Mapping[str, Any] | None = None, **details: object) -> bool:
    """Run the compare-and-set `stmt` (with `params`, if it was built once): True when it
    moved exactly one row. Otherwise raises Conflict(`conflict`, **details) (the caller's
    transaction rolls back), or returns False when `conflict` is None (the caller decides
    what losing means)."""
    if await affected(s, stmt, params) == 1:
        return True
    if conflict is None:
        return False
    raise Conflict(conflict, **details)
