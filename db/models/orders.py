"""Orders and what hangs on them: offers, price items (quote, extras), reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_client", "client_id"), Index("ix_orders_status", "status"),
                      Index("ix_orders_topic", "topic_id"),
                      Index("ix_orders_sla", "sla_state", "status"))  # /stats: overdue

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The draft's token: a second Confirm of the same draft finds this row instead of a new one.
    draft_token: Mapped[str] = mapped_column(String(40), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    service: Mapped[str] = mapped_column(ForeignKey("services.code"))
    description: Mapped[str] = mapped_column(Text)
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    area: Mapped[str] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    surcharge_percent: Mapped[int] = mapped_column(Integer, default=0)
    visit_date: Mapped[date | None] = mapped_column(Date)
    visit_slot: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str] = mapped_column(String(32))
    payment: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    master_id: Mapped[int | None] = mapped_column(ForeignKey("masters.id"))
    offered_master_id: Mapped[int | None] = mapped_column(ForeignKey("masters.id"))
    # The desk group it was routed to (DESK_ROUTES); None: the default desk, DESK_CHAT_ID.
    desk_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    topic_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    card_digest: Mapped[str | None] = mapped_column(String(40))  # what the card shows now
    reason: Mapped[str | None] = mapped_column(String(32))  # reject / cancel reason code
    # Money in integer minor units of CURRENCY (bot/domain/money.py; migration 0016).
    final_price: Mapped[int | None] = mapped_column(BigInteger)
    report_photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    code_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    visit_at: Mapped[datetime | None]  # the agreed visit time (scheduled)
    checked_in_at: Mapped[datetime | None]  # on site [C 3(2)]
    stopped: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A master's open request to the desk: "extension" or "release", with its reason code.
    request: Mapped[str | None] = mapped_column(String(16))
    request_reason: Mapped[str | None] = mapped_column(String(24))
    # Auto matching: an expired or declined offer goes on to the next candidate [R §4].
    auto_offer: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    warranty_months: Mapped[int | None] = mapped_column(Integer)
    reported_at: Mapped[datetime | None]  # the completion report: the warranty runs from it
    client_stars: Mapped[int | None] = mapped_column(Integer)  # the master rates the client [H]
    # The client's warranty claim [R §5] and the desk's decision (SPEC §2.7).
    complaint: Mapped[str | None] = mapped_column(Text)
    complaint_photos: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    resolution: Mapped[str | None] = mapped_column(String(16))  # rework / refund / rejected
    resolution_note: Mapped[str | None] = mapped_column(Text)
    refund: Mapped[int | None] = mapped_column(BigInteger)  # minor units
    rework_due: Mapped[datetime | None]
    report_notes: Mapped[str | None] = mapped_column(Text)
    # A new visit time proposed by one side ("client" / "master"), waiting for the other.
    proposed_visit_at: Mapped[datetime | None]
    proposed_by: Mapped[str | None] = mapped_column(String(8))
    checkin_lat: Mapped[float | None]
    checkin_lon: Mapped[float | None]
    sla_state: Mapped[str] = mapped_column(String(8), default="ok", server_default="ok")
    sla_kind: Mapped[str | None] = mapped_column(String(24))  # the deadline behind sla_state
    sla_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_order", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    master_id: Mapped[int] = mapped_column(ForeignKey("masters.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class PriceItem(Base):
    """The price agreed in the bot [C 一.3, 五.2; V]: a quote, then extras, each proposed by
    the master and accepted or declined by the client."""

    __tablename__ = "price_items"
    __table_args__ = (Index("ix_price_items_order", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(8))  # quote / extra
    item: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units of CURRENCY
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # accepted/declined
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class Review(Base):
    """The client's stars for a completed order (one per order) [H, Q]."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_master", "master_id", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    master_id: Mapped[int] = mapped_column(ForeignKey("masters.id"))
    service: Mapped[str] = mapped_column(String(32))
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
