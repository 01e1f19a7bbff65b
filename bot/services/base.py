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
from bot.domain.routes import Desks
from bot.events import (
    EVENTS,
    Album,
    DeskNote,
    DeskSla,
    Event,
    MasterCardChanged,
    OrderCardChanged,
    Relay,
    To,
)
from bot.events.base import event_of, to_payload
from db import audit as audit_log
from db import outbox
from db.scope import reading, writing


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
    # The desk groups: new orders routed by district or service (DESK_ROUTES).
    desks: Desks = field(default_factory=Desks)


@dataclass
class Context:
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow
    policy: Policy = field(default_factory=Policy)
    # Told of every new due time, so the scheduler can wake for it (the rows stay the truth).
    on_deadline: Callable[[datetime], None] | None = None
    # Told when a unit of work that queued messages has committed: the sender goes at once.
    on_outbox: Callable[[], None] | None = None

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error; in an update, on the
        update's own session (db/scope.py). The cards of the orders it changed (mark_card) are
        redrawn after its other messages, once each."""
        async with writing(self.sessions) as session:
            yield session
            cards: list[int] = session.info.pop(_CARDS, [])
            if cards:
                now = self.clock()
                for order_id in cards:
                    card_changed(session, now, order_id)
            queued = session.info.pop(_QUEUED, False)
        if queued and self.on_outbox is not None:
            self.on_outbox()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A use case that only reads; in an update, on the update's session, its read
        committed by the update's next write (db/scope.py). Nothing written here is kept."""
        async with reading(self.sessions) as session:
            yield session


_CARDS = "cards_to_redraw"
_QUEUED = "outbox_rows_added"


def mark_card(s: AsyncSession, order_id: int) -> None:
    """The order changed: its desk card is redrawn when the transaction commits."""
    cards: list[int] = s.info.setdefault(_CARDS, [])
    if order_id not in cards:
        cards.append(order_id)


def without_secrets(kind: str, payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The payload to keep once the message is settled; None when nothing is secret."""
    event = EVENTS.get(kind)
    secret = event.secret if event is not None else frozenset()
    if not secret or not payload or not secret & payload.keys():
        return None
    return {k: v for k, v in payload.items() if k not in secret}


# What the desk reads first when its group is behind (Telegram takes ~20 messages a minute into
# it): safety first, then the orders' work, the manager chat last. Lower goes first; within one
# priority, messages keep the order they were queued in. Only the desk's rows are ranked:
# a private chat is never that far behind, and a person reads his messages in order.
URGENT, NORMAL, CHAT = 0, 1, 2
_URGENT_NOTES = frozenset({"stopped", "code_locked"})  # a safety stop, a code being guessed


def priority(event: Event, to: To) -> int:
    if to.chat_id is not None:
        return NORMAL
    if isinstance(event, DeskSla) or (isinstance(event, DeskNote)
                                      and event.note in _URGENT_NOTES):
        return URGENT  # SLA breaches and escalations, safety stops, locked codes
    if isinstance(event, Relay):
        return CHAT
    return NORMAL  # new orders, cards, notes, reviews, masters' applications


def outbox_priority(kind: str, chat_id: int | None, payload: dict[str, Any]) -> int:
    """The priority of a stored row (the same as `priority` of its event); a row no event
    reads (it will fail at delivery) ranks as most do."""
    try:
        return priority(event_of(kind, payload), To(chat_id))
    except (KeyError, TypeError, ValueError):
        return NORMAL


def outbox_row(now: datetime, event: Event, to: To) -> dict[str, Any]:
    """The columns of the outbox row that carries `event` in the envelope `to`."""
    return dict(kind=event.kind, chat_id=to.chat_id, order_id=to.order_id,
                payload=to_payload(event), priority=priority(event, to),
                next_attempt_at=max(to.not_before or now, now), created_at=now)


def enqueue(s: AsyncSession, now: datetime, event: Event, /, *, to: To) -> None:
    """Queue a message for someone other than the acting user, in the same transaction as the
    change that causes it. Where it goes and when is the envelope's alone."""
    outbox.add(s, **outbox_row(now, event, to))
    s.info[_QUEUED] = True


def card_changed(s: AsyncSession, now: datetime, order_id: int) -> None:
    """The order changed: its card in the desk's topic is redrawn (once for any number of
    changes still waiting to be drawn)."""
    enqueue(s, now, OrderCardChanged(), to=To.desk(order_id))


def master_card_changed(s: AsyncSession, now: datetime, master_id: int) -> None:
    """The master's application or register entry changed: the desk's card of him is
    redrawn."""
    enqueue(s, now, MasterCardChanged(master_id=master_id), to=To.desk())


ALBUM_SIZE = 10  # files per album row: one sendMediaGroup each (Telegram takes at most 10)


def enqueue_album(s: AsyncSession, now: datetime, files: Sequence[str], what: str, *,
                  order_id: int, chat_id: int | None = None, job: bool = False) -> None:
    """Queue an order's files as albums ("album" rows, one per ten files) for the desk's topic
    (chat_id None), the client or the master. `what` names them in the caption ("order": the
    client's photos of the problem, "report": the finished work). `job`: only for the order's
    master, checked again at delivery (he may have lost the job by then)."""
    refs = [f if ":" in f else photo_ref(f) for f in files]  # bare ids are photos
    for i in range(0, len(refs), ALBUM_SIZE):
        enqueue(s, now, Album(what, tuple(refs[i:i + ALBUM_SIZE]), job),
                to=To(chat_id, order_id))


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
