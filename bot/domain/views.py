"""Plain data handed from services to handlers and renderers (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.pricing import ACCEPTED, EXTRA, QUOTE, Breakdown, PriceItemView, breakdown
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
    blocked: bool = False


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
    legal_form: str | None = None
    tax_id: str | None = None
    districts: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    photo: str | None = None
    on_duty: bool = True
    reject_reason: str | None = None
    block_reason: str | None = None
    question: str | None = None
    answer: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class MasterStats:
    """What the client and the desk are shown of a master's record [H, Q]."""

    rating: float | None  # Bayesian in the category; None without reviews
    reviews: int
    jobs_done: int


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
    topic_id: int | None  # in the order's desk group
    card_message_id: int | None
    reason: str | None
    final_price: int | None  # minor units of the currency
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
    district: str | None = None
    review_stars: int | None = None
    review_comment: str | None = None
    client_stars: int | None = None
    reported_at: datetime | None = None
    complaint: str | None = None
    complaint_photos: tuple[str, ...] = ()
    resolution: str | None = None
    resolution_note: str | None = None
    refund: int | None = None  # minor units
    rework_due: datetime | None = None
    auto_offer: bool = False
    master_blocked: bool = False
    master_name: str | None = None
    master_user_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # The price agreed in the bot, oldest first: quotes and extras [C 一.3, 五.2; V].
    price_items: tuple[PriceItemView, ...] = ()
    warranty_months: int | None = None
    desk_chat_id: int | None = None  # the group it was routed to; None: the default desk
    report_notes: str | None = None

    @property
    def breakdown(self) -> Breakdown:
        return breakdown(self.price_items)

    @property
    def quote(self) -> PriceItemView | None:
        """The quote that counts: the accepted one, else the latest."""
        quotes = [i for i in self.price_items if i.kind == QUOTE]
        return next((i for i in quotes if i.status == ACCEPTED), quotes[-1] if quotes else None)

    @property
    def extras(self) -> tuple[PriceItemView, ...]:
        return tuple(i for i in self.price_items if i.kind == EXTRA)

    def price_item(self, item_id: int) -> PriceItemView | None:
        return next((i for i in self.price_items if i.id == item_id), None)
    # A new visit time proposed by one side ("master" / "client"), waiting for the other.
    proposed_visit_at: datetime | None = None
    proposed_by: str | None = None
    checkin_lat: float | None = None  # where the master checked in, when he shared it
    checkin_lon: float | None = None
    # The pending offer: whom it waits for and until when (the card names him).
    offered_master_name: str | None = None
    offer_expires_at: datetime | None = None
    # Their languages (chosen, else Telegram's code), so the desk knows what to write in. The
    # master: the assigned one, else the offered one.
    client_locale: str | None = None
    master_locale: str | None = None

    @property
    def parties(self) -> OrderParties:
        return OrderParties(self.status, self.client_id, self.master_id, self.offered_master_id)


@dataclass(frozen=True)
class CodeResult:
    completed: bool
    attempts_left: int
    locked: bool
