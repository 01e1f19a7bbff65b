"""People and what they offer: users, the service catalogue, masters and their services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


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
