"""The typed, JSON-safe data of the New order conversation (kept in FSM storage)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

PAYMENTS = ("cash", "card", "transfer")
TIME_KINDS = ("urgent", "today", "tomorrow", "date")


class OrderDraft(BaseModel):
    token: str = Field(default_factory=lambda: uuid.uuid4().hex)
    service: str | None = None
    description: str | None = None
    photos: list[str] = Field(default_factory=list)
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    time_kind: str | None = None
    visit_date: date | None = None
    visit_slot: str | None = None
    phone: str | None = None
    payment: str = "cash"
    editing: bool = False  # came from the summary: return there after this step

    def missing(self) -> list[str]:
        out = []
        if not self.service:
            out.append("service")
        if not self.description:
            out.append("description")
        if not self.address and self.latitude is None:
            out.append("address")
        if not self.time_kind:
            out.append("time")
        if not self.phone:
            out.append("phone")
        return out


class MasterDraft(BaseModel):
    name: str | None = None
    phone: str | None = None
    services: list[str] = Field(default_factory=list)


class ReportDraft(BaseModel):
    order_id: int
    photos: list[str] = Field(default_factory=list)
