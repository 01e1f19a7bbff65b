"""A composed message, whom it is for, and the registry of composers by event type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram.types import InlineKeyboardMarkup

from bot.domain.views import OrderView
from bot.events import Event
from bot.notify.render import Renderer


@dataclass(frozen=True)
class Target:
    chat_id: int
    thread_id: int | None
    locale: str
    order: OrderView | None
    is_desk: bool


@dataclass(frozen=True)
class Draft:
    text: str
    markup: InlineKeyboardMarkup | None = None
    photo: str | None = None  # a file_id: sent as a photo with the text as its caption
    document: str | None = None  # a file_id: sent as a file with the text as its caption
    # It shows the job (address, phone) or an offer: remembered (job_messages), to be stubbed
    # when the job is lost, or edited when the offer ends.
    job: bool = False


E = TypeVar("E", bound=Event)
Composer = Callable[[E, Target, Renderer], Draft]
COMPOSERS: dict[type[Event], Callable[[Any, Target, Renderer], Draft]] = {}


def composes(event: type[E]) -> Callable[[Composer[E]], Composer[E]]:
    """Register the composer of one event type (one composer per type)."""

    def register(fn: Composer[E]) -> Composer[E]:
        if event in COMPOSERS:
            raise TypeError(f"{event.__name__} has a composer already")
        COMPOSERS[event] = fn
        return fn

    return register


def about_order(event: type[Event], text: Callable[[], str]) -> None:
    """Register the composer of a message that says `text` (read in the reader's language)
    about the order and names nothing but its number."""

    def compose(e: Event, t: Target, r: Renderer) -> Draft:
        return Draft(text().format(number=order_of(t).id))

    composes(event)(compose)


def draft(event: Event, t: Target, r: Renderer) -> Draft:
    fn = COMPOSERS.get(type(event))
    if fn is None:
        raise ValueError(f"no composer for {type(event).__name__}")
    return fn(event, t, r)


def for_master(t: Target, o: OrderView) -> bool:
    """The reader is the order's master now, and not blocked: only he may see the job. The row
    was queued earlier; by delivery the job may have been lost."""
    return t.chat_id == o.master_user_id and not o.master_blocked


def order_of(t: Target) -> OrderView:
    if t.order is None:
        raise ValueError("this message needs an order")
    return t.order


def needed(value: Any, key: str) -> Any:
    """A payload key this message cannot do without (KeyError, as a row missing it fails)."""
    if value is None:
        raise KeyError(key)
    return value
