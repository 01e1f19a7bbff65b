"""Plain data handed from services to handlers and renderers (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from bot.domain.rules import OrderParties
from bot.domain.states import Status


@dataclass(frozen=True)
class UserView:
    id: int
    first_name: str
    username: str | None
    language_code: str | None
    locale: str | None
    unreachable: bool = False


@dataclass(frozen=True)
class MasterView:
    id: int
    user_id: int
    name: str
    phone: str
    status: str
    verified: bool
    blocked: bool
    services: tuple[str, ...] = ()
    card_message_id: int | None = None


@dataclass(frozen=True)
class OrderView:
    id: int
    client_id: int
    service: str
    description: str
    photos: tuple[str, ...]
    address: str | None
    latitude: float | None
    longitude: float | None
    area: str
    urgent: bool
    surcharge_percent: int
    visit_date: date | None
    visit_slot: str | None
    phone: str
    payment: str
    status: Status
    master_id: int | None
    offered_master_id: int | None
    topic_id: int | None
    card_message_id: int | None
    reason: str | None
    final_price: Decimal | None
    report_photos: tuple[str, ...]
    code_attempts: int
    code_locked: bool
    created_at: datetime
    sla_state: str = "ok"
    visit_at: datetime | None = None
    checked_in_at: datetime | None = None
    stopped: bool = False
    request: str | None = None
    request_reason: str | None = None
    client_name: str = ""
    master_name: str | None = None
    master_user_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def parties(self) -> OrderParties:
        return OrderParties(self.status, self.client_id, self.master_id, self.offered_master_id)


@dataclass(frozen=True)
class CodeResult:
    completed: bool
    attempts_left: int
    locked: bool
