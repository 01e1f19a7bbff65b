"""What a client asks for when he confirms a New order: the input of `submit_order`, built
from the conversation's draft (fsm/draft.py) once every field is there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Payment(StrEnum):
    """How the client pays, the order's stored `payment` code; offered in this order."""

    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"


@dataclass(frozen=True)
class OrderRequest:
    token: str  # the draft's: a second Confirm of the same draft finds the first order
    service: str
    description: str
    photos: tuple[str, ...]
    address: str | None  # a typed address, or else the shared location
    latitude: float | None
    longitude: float | None
    district: str | None
    urgent: bool
    visit_date: date | None
    visit_slot: str | None
    phone: str
    payment: str  # a Payment code
