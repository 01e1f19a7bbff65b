"""What every use case needs: a session factory, a clock, and the outbox and audit writers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import DeskHours
from bot.domain.deadlines import Timing
from db.models import AuditEntry, OutboxMessage


def utcnow() -> datetime:
    return datetime.now(UTC)


def _default_timing() -> Timing:
    return Timing(desk=DeskHours(time(8), time(21), ZoneInfo("UTC")))


@dataclass
class Policy:
    """The knobs of the rules that come from settings."""

    urgent_surcharge_percent: int = 30
    max_code_attempts: int = 5
    districts: tuple[str, ...] = ()  # the city's districts; empty: masters serve everywhere
    reapply_cooldown: timedelta = timedelta(hours=24)  # after a rejection [issue 9, item 14]
    timing: Timing = field(default_factory=_default_timing)


@dataclass
class Context:
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow
    policy: Policy = field(default_factory=Policy)
    # Told of every new due time, so the scheduler can wake for it (the rows stay the truth).
    on_deadline: Callable[[datetime], None] | None = None

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error."""
        async with self.sessions() as session, session.begin():
            yield session


def enqueue(
    s: AsyncSession,
    now: datetime,
    kind: str,
    /,
    *,
    chat_id: int | None = None,
    order_id: int | None = None,
    not_before: datetime | None = None,
    **payload: Any,
) -> None:
    """Queue a message for someone other than the acting user. chat_id None means the desk.
    `not_before` holds it back (a desk notice outside desk hours waits for the opening)."""
    s.add(OutboxMessage(kind=kind, chat_id=chat_id, order_id=order_id, payload=payload,
                        next_attempt_at=max(not_before or now, now), created_at=now))


def audit(
    s: AsyncSession,
    now: datetime,
    *,
    actor_id: int | None,
    role: str,
    action: str,
    order_id: int | None = None,
    master_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
) -> None:
    s.add(AuditEntry(order_id=order_id, master_id=master_id, actor_id=actor_id, actor_role=role,
                     action=action, from_status=from_status, to_status=to_status, reason=reason,
                     created_at=now))
