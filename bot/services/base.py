"""What every use case needs: a session factory, a clock, and the outbox and audit writers."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import DeskHours
from bot.domain.deadlines import Timing
from bot.domain.files import photo_ref
from bot.domain.limits import Pace
from bot.domain.money import Currency, currency
from db import audit as audit_log
from db import outbox


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
    # Keys the confirmation codes' hashes (bot/code_secret.py); random when not given, so
    # it is never weak, only forgotten at exit.
    code_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # Caps per client (None: no cap; the app always sets them from the settings).
    max_open_orders: int | None = None
    max_orders_per_day: int | None = None
    relay_pace: Pace = field(default_factory=Pace)  # per person writing to the desk
    reapply_cooldown: timedelta = timedelta(hours=24)  # after a rejection [issue 9, item 14]
    timing: Timing = field(default_factory=_default_timing)
    # The currency of every price, its minor-unit digits and the cap of one price.
    money: Currency = field(default_factory=lambda: currency("RUB"))
    # TAX_ID_PATTERN / TAX_ID_EXAMPLE; None: each language's own (bot/domain/masters.py).
    tax_id_pattern: str | None = None
    tax_id_example: str | None = None


@dataclass
class Context:
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow
    policy: Policy = field(default_factory=Policy)
    # Told of every new due time, so the scheduler can wake for it (the rows stay the truth).
    on_deadline: Callable[[datetime], None] | None = None

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error. The cards of the
        orders it changed (mark_card) are redrawn after its other messages, once each."""
        async with self.sessions() as session, session.begin():
            yield session
            cards: list[int] = session.info.pop(_CARDS, [])
            if cards:
                now = self.clock()
                for order_id in cards:
                    enqueue(session, now, "order_card", order_id=order_id)


_CARDS = "cards_to_redraw"


def mark_card(s: AsyncSession, order_id: int) -> None:
    """The order changed: its desk card is redrawn when the transaction commits."""
    cards: list[int] = s.info.setdefault(_CARDS, [])
    if order_id not in cards:
        cards.append(order_id)


# Payload keys that are secrets, per message kind: needed until the message is out, then
# removed from the row by the sender when it settles it (sent or failed) [C 二.8].
SECRET_KEYS: dict[str, frozenset[str]] = {"client_code": frozenset({"code"})}


def without_secrets(kind: str, payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The payload to keep once the message is settled; None when nothing is secret."""
    secret = SECRET_KEYS.get(kind)
    if not secret or not payload or not secret & payload.keys():
        return None
    return {k: v for k, v in payload.items() if k not in secret}
# What the desk reads first when its group is behind (Telegram takes ~20 messages a minute into
# it): safety first, then the orders' work, the manager chat last. Lower goes first; within one
# priority, messages keep the order they were queued in. Only the desk's rows are ranked:
# a private chat is never that far behind, and a person reads his messages in order.
URGENT, NORMAL, CHAT = 0, 1, 2
_URGENT_NOTES = frozenset({"stopped", "code_locked"})  # a safety stop, a code being guessed


def outbox_priority(kind: str, chat_id: int | None, payload: dict[str, Any]) -> int:
    if chat_id is not None:
        return NORMAL
    if kind == "desk_sla" or (kind == "desk_note" and payload.get("note") in _URGENT_NOTES):
        return URGENT  # SLA breaches and escalations, safety stops, locked codes
    if kind == "relay":
        return CHAT
    return NORMAL  # new orders, cards, notes, reviews, masters' applications


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
    outbox.add(s, kind=kind, chat_id=chat_id, order_id=order_id, payload=payload,
               priority=outbox_priority(kind, chat_id, payload),
               next_attempt_at=max(not_before or now, now), created_at=now)


ALBUM_SIZE = 10  # files per album row: one sendMediaGroup each (Telegram takes at most 10)


def enqueue_album(s: AsyncSession, now: datetime, files: Sequence[str], what: str, *,
                  order_id: int, chat_id: int | None = None, job: bool = False) -> None:
    """Queue an order's files as albums ("album" rows, one per ten files) for the desk's topic
    (chat_id None), the client or the master. `what` names them in the caption ("order": the
    client's photos of the problem, "report": the finished work). `job`: only for the order's
    master, checked again at delivery (he may have lost the job by then)."""
    refs = [f if ":" in f else photo_ref(f) for f in files]  # bare ids are photos
    for i in range(0, len(refs), ALBUM_SIZE):
        extra: dict[str, Any] = {"job": True} if job else {}
        enqueue(s, now, "album", chat_id=chat_id, order_id=order_id, what=what,
                files=refs[i:i + ALBUM_SIZE], **extra)


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
    audit_log.add(s, order_id=order_id, master_id=master_id, actor_id=actor_id, actor_role=role,
                  action=action, from_status=from_status, to_status=to_status, reason=reason,
                  created_at=now)
