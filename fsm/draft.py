"""The typed, JSON-safe data of the New order conversation (kept in FSM storage)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from bot.domain.errors import InvalidInput
from bot.domain.order_request import OrderRequest, Payment

PAYMENTS = tuple(p.value for p in Payment)  # the New order form offers them in this order
TIME_KINDS = ("urgent", "today", "tomorrow", "date")


class OrderDraft(BaseModel):
    token: str = Field(default_factory=lambda: uuid.uuid4().hex)
    service: str | None = None
    description: str | None = None
    photos: list[str] = Field(default_factory=list)
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    district: str | None = None
    district_asked: bool = False
    time_kind: str | None = None
    visit_date: date | None = None
    visit_slot: str | None = None
    phone: str | None = None
    payment: str = Payment.CASH.value
    editing: bool = False  # came from the summary: return there after this step
    # A placed order being changed (handlers/client/edit.py): the same steps, then a review of
    # the one changed field (description / address / time) instead of the summary.
    edit_of: int | None = None
    edit_field: str | None = None

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

    def request(self) -> OrderRequest:
        """The order asked for; refused while a field is missing."""
        if self.missing() or not (self.service and self.description and self.phone):
            raise InvalidInput("error.draft_incomplete")
        return OrderRequest(
            token=self.token, service=self.service, description=self.description,
            photos=tuple(self.photos), address=self.address, latitude=self.latitude,
            longitude=self.longitude, district=self.district,
            urgent=self.time_kind == "urgent", visit_date=self.visit_date,
            visit_slot=self.visit_slot, phone=self.phone, payment=self.payment)


class MasterDraft(BaseModel):
    """The onboarding application being filled in (SPEC §2.5); kept in FSM storage, so it
    survives a restart and can be resumed or corrected before sending."""

    name: str | None = None
    phone: str | None = None
    legal_form: str | None = None
    tax_id: str | None = None
    services: list[str] = Field(default_factory=list)
    services_done: bool = False
    districts: list[str] = Field(default_factory=list)
    districts_done: bool = False
    documents: list[str] = Field(default_factory=list)  # bot/domain/files.py references
    documents_done: bool = False

    def next_step(self, with_districts: bool) -> str | None:
        """The first step still to fill in, or None when the summary can be shown."""
        if not self.name:
            return "name"
        if not self.phone:
            return "phone"
        if not self.legal_form:
            return "legal_form"
        if not self.tax_id:
            return "tax_id"
        if not self.services or not self.services_done:
            return "services"
        if with_districts and (not self.districts or not self.districts_done):
            return "districts"
        if not self.documents or not self.documents_done:
            return "documents"
        return None


def _minor_units(value: Any) -> Any:
    """A draft saved before amounts were minor units held a decimal string ("2500.00"): it is
    forgotten, and the conversation asks for the amount again instead of misreading it."""
    return None if isinstance(value, str | float) else value


Minor = Annotated[int | None, BeforeValidator(_minor_units)]


class ReportDraft(BaseModel):
    order_id: int
    photos: list[str] = Field(default_factory=list)
    price: Minor = None  # minor units, echoed to the master before it counts
    warranty_months: int | None = None


class QuoteDraft(BaseModel):
    order_id: int
    amount: Minor = None  # minor units


class ExtraDraft(BaseModel):
    order_id: int
    item: str | None = None
    amount: Minor = None  # minor units


class ClaimDraft(BaseModel):
    """A warranty claim being described (handlers/client/claim.py)."""

    order_id: int
    text: str = ""
    photos: list[str] = Field(default_factory=list)


class PicksDraft(BaseModel):
    """The services or districts a master is picking in his profile."""

    picked: list[str] = Field(default_factory=list)


class AnswerDraft(BaseModel):
    """An applicant's answer to the desk's question: text and files."""

    text: str = ""
    files: list[str] = Field(default_factory=list)
