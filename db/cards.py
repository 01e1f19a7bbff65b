"""The desk's cards, an order's and a master's: each row keeps a digest of what its drawn card
shows, so that a redraw with nothing new edits nothing."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Master, Order


async def forget(s: AsyncSession, table: type[Order] | type[Master], row_id: int) -> None:
    """The card no longer shows what its digest says: the next redraw edits it."""
    await s.execute(update(table).where(table.id == row_id).values(card_digest=None))
