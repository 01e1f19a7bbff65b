"""The price agreed in the bot and the warranty of the completion report: pure rules.

[C 一.3, 五.2; V] the master quotes after contact; once the client accepts a quote the price
may rise only by *extras* the client approves one by one, so the final price can never exceed
the accepted quote plus the approved extras. Without an accepted quote there is no cap.
[R §2] a warranty of at most 12 months; [C 三.2] at least the service's minimum (installation
and assembly: 3 months).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.states import Status

# The master quotes once he has talked to the client, up to the report [C 一.3].
QUOTABLE = frozenset({Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE})
MIN_WARRANTY_MONTHS = 1
MAX_WARRANTY_MONTHS = 12  # [R §2]
MAX_ITEM = 200  # an extra's item; also a quote's note
MAX_REASON = 500
MAX_NOTES = 800  # keeps the completion act within one Telegram message
# Bounds on what one order can make the client read (each proposal is a message to him).
MAX_QUOTES = 10
MAX_EXTRAS = 10

QUOTE, EXTRA = "quote", "extra"
PROPOSED, ACCEPTED, DECLINED = "proposed", "accepted", "declined"
# Closed without the client's answer: a quote replaced by a newer one, or anything still open
# when the master filed the report.
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class PriceItemView:
    id: int
    kind: str  # quote / extra
    item: str  # an extra's item; a quote's optional note
    amount: int  # minor units of the currency (bot/domain/money.py)
    reason: str | None
    status: str  # proposed / accepted / declined / withdrawn
    created_at: datetime | None = None


@dataclass(frozen=True)
class Breakdown:
    """What the client agreed to: the accepted quote and the approved extras."""

    quote: PriceItemView | None
    extras: tuple[PriceItemView, ...] = ()

    @property
    def cap(self) -> int | None:
        """The most the final price may be; None (no cap) without an accepted quote. A sum
        of integers in minor units: exact, nothing to round."""
        if self.quote is None:
            return None
        return self.quote.amount + sum(e.amount for e in self.extras)


@dataclass(frozen=True)
class ReportTerms:
    """What the completion report must respect for one order."""

    cap: int | None
    warranty_min_months: int


def breakdown(items: Iterable[PriceItemView]) -> Breakdown:
    items = list(items)
    quote = next((i for i in items if i.kind == QUOTE and i.status == ACCEPTED), None)
    if quote is None:  # extras are only ever approved on top of an accepted quote
        return Breakdown(None)
    extras = tuple(i for i in items if i.kind == EXTRA and i.status == ACCEPTED)
    return Breakdown(quote, extras)


def price_cap(items: Iterable[PriceItemView]) -> int | None:
    return breakdown(items).cap


def check_final_price(price: int, cap: int | None) -> None:
    """Refuse a final price above the agreed one; the error carries the cap to show."""
    if cap is not None and price > cap:
        raise InvalidInput("error.price_above_cap", cap=cap)


def warranty_floor(service_min: int) -> int:
    return min(max(service_min, MIN_WARRANTY_MONTHS), MAX_WARRANTY_MONTHS)


def warranty_choices(service_min: int) -> list[int]:
    """The warranty months a report may give for a service with this minimum."""
    return list(range(warranty_floor(service_min), MAX_WARRANTY_MONTHS + 1))


def check_warranty(months: int, service_min: int) -> int:
    low = warranty_floor(service_min)
    if not low <= months <= MAX_WARRANTY_MONTHS:
        raise InvalidInput("error.warranty_range", min=low, max=MAX_WARRANTY_MONTHS)
    return months


def parse_warranty(text: str, service_min: int) -> int:
    raw = text.strip().split()[0] if text.strip() else ""
    try:
        months = int(raw)
    except ValueError:
        raise InvalidInput("error.warranty_range", min=warranty_floor(service_min),
                           max=MAX_WARRANTY_MONTHS) from None
    return check_warranty(months, service_min)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_until(done_on: date, months: int) -> date:
    return add_months(done_on, months)


def check_text(text: str | None, limit: int, *, required: bool = True,
               one_line: bool = False) -> str | None:
    """A free text typed by the master (an item, a reason, notes), trimmed; `one_line`
    folds its whitespace (an item or a note shown inside a line)."""
    clean = " ".join((text or "").split()) if one_line else (text or "").strip()
    if not clean:
        if required:
            raise InvalidInput("error.text_length", limit=limit)
        return None
    if len(clean) > limit:
        raise InvalidInput("error.text_length", limit=limit)
    return clean


def can_quote(status: Status, stopped: bool, items: Iterable[PriceItemView]) -> None:
    """A new quote: in work after the call, not stopped, and only while none is accepted
    (a declined quote, or one still waiting, is replaced by the new one)."""
    if status not in QUOTABLE:
        raise NotAllowed("error.wrong_state")
    if stopped:
        raise NotAllowed("error.job_stopped")
    items = list(items)
    if any(i.kind == QUOTE and i.status == ACCEPTED for i in items):
        raise NotAllowed("error.quote_accepted")
    if sum(1 for i in items if i.kind == QUOTE) >= MAX_QUOTES:
        raise NotAllowed("error.too_many_prices")


def can_propose_extra(status: Status, stopped: bool, items: Iterable[PriceItemView]) -> None:
    """An extra only on top of an accepted quote; several may wait for the client at once."""
    if status not in QUOTABLE:
        raise NotAllowed("error.wrong_state")
    if stopped:
        raise NotAllowed("error.job_stopped")
    items = list(items)
    if not any(i.kind == QUOTE and i.status == ACCEPTED for i in items):
        raise NotAllowed("error.quote_needed")
    if sum(1 for i in items if i.kind == EXTRA) >= MAX_EXTRAS:
        raise NotAllowed("error.too_many_prices")


def can_decide(status: Status, stopped: bool, item: PriceItemView) -> None:
    """The client answers a proposal that is still open, while the job is in work."""
    if status not in QUOTABLE:
        raise NotAllowed("error.wrong_state")
    if stopped:
        raise NotAllowed("error.order_stopped")
    if item.status == WITHDRAWN:
        raise NotAllowed("error.price_withdrawn")
    if item.status != PROPOSED:  # a double tap, or the other button after the first
        raise Conflict("error.price_decided")
