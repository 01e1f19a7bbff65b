"""Tables. Migrations in db/migrations mirror these; tests check they agree."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))  # chosen with /language
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    # [R §8, Q] a blocked client places no new orders
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    block_reason: Mapped[str | None] = mapped_column(Text)
    # His pace writing to the desk (bot/domain/limits.py): the bucket's state as one time
    # (GCRA), and until when a "please wait" is not repeated.
    relay_tat: Mapped[datetime | None]
    relay_hushed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Service(Base):
    """The catalogue: data, seeded from bot/data/services.json when empty."""

    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    names: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # [C 三.2] the shortest warranty a completion report may give (installation: 3 months)
    warranty_min_months: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Master(Base):
    __tablename__ = "masters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/approved/rejected
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    card_digest: Mapped[str | None] = mapped_column(String(40))  # what the card shows now
    legal_form: Mapped[str | None] = mapped_column(String(16))  # [R §1] self_employed, sole_trader
    tax_id: Mapped[str | None] = mapped_column(String(32))
    districts: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Documents as "photo:<file_id>" / "document:<file_id>" [R §4]
    documents: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    photo: Mapped[str | None] = mapped_column(String(256))  # file_id of the profile photo
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    reject_reason: Mapped[str | None] = mapped_column(String(32))
    block_reason: Mapped[str | None] = mapped_column(Text)
    question: Mapped[str | None] = mapped_column(Text)  # the desk's open question to him
    answer: Mapped[str | None] = mapped_column(Text)  # his answer, shown on the card
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)


class MasterService(Base):
    __tablename__ = "master_services"

    master_id: Mapped[int] = mapped_column(ForeignKey("masters.id"), primary_key=True)
    service: Mapped[str] = mapped_column(ForeignKey("services.code"), primary_key=True)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_client", "client_id"), Index("ix_orders_status", "status"),
                      Index("ix_orders_topic", "topic_id"))

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


class AuditEntry(Base):
    """Every transition: who, when, from, to, why (SPEC §1)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_order", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int | None] = mapped_column(Integer)
    master_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message to someone other than the acting user, written in the same transaction as the
    change that causes it and delivered by bot/notify/sender.py."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      Index("ix_outbox_next", "status", "priority", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # None: the desk
    order_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The desk's reading order (bot/services/base.py outbox_priority): lower goes first.
    priority: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending/sent/failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class JobMessage(Base):
    """A message in a master's chat that shows a job with its client's address and phone, so
    it can be edited down to a stub when the master loses the job [issue 9, item 13]."""

    __tablename__ = "job_messages"
    __table_args__ = (Index("ix_job_messages_order", "order_id", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Deadline(Base):
    """A promise with a due time (SPEC §4). The row is the truth; APScheduler only wakes the
    bot when the next one is due. Firing sets state='fired' in the same transaction as its
    effects, claimed with UPDATE … WHERE state='pending', so it happens exactly once."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "state", "due_at"),
                      Index("ix_deadlines_order", "order_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending/fired/cancelled
    paused_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    late_seconds: Mapped[int | None] = mapped_column(Integer)


class FsmRecord(Base):
    """aiogram FSM storage: one row per (bot, chat, thread, user, destiny) key."""

    __tablename__ = "fsm_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
