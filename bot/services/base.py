"""What every use case needs: a session factory, a clock, and the outbox and audit writers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEntry, OutboxMessage


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Policy:
    """The knobs of the rules that come from settings."""

    urgent_surcharge_percent: int = 30
    max_code_attempts: int = 5


@dataclass
class Context:
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow
    policy: Policy = field(default_factory=Policy)

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error."""
        async with self.sessions() as session, session.begin():
            yield session


def enqueue(
    s: AsyncSession,
    now: datetime,
    kind: str,
    *,
    chat_id: int | None = None,
    order_id: int | None = None,
    **payload: Any,
) -> None:
    """Queue a message for someone other than the acting user. chat_id None means the desk."""
    s.add(OutboxMessage(kind=kind, chat_id=chat_id, order_id=order_id, payload=payload,
                        next_attempt_at=now, created_at=now))


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
