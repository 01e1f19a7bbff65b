"""Texts and keyboards shown about an order, rendered for one reader's locale.

Everything typed by a user passes through `q()` (HTML escaping) at render time, marked as a user
part: bot/notify/fit.py shortens those parts, longest first, so that every text fits Telegram's
limits when it is sent, and Telegram never answers 400 to our rendering.

The Renderer is put together from one part per reader: render_base (what every text is made
of), render_cards (the desk's card), render_jobs (offers and jobs), render_masters (masters).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.buttons.base import rows
from bot.notify.markup import q
from bot.notify.names import (
    CANCEL_REASON_NAMES,
    CLAIM_REJECT_NAMES,
    EXTENSION_REASON_NAMES,
    MASTER_REJECT_REASON_NAMES,
    PAYMENT_NAMES,
    REJECT_REASON_NAMES,
    RELEASE_REASON_NAMES,
)
from bot.notify.render_base import and_more, answer_rows, day_slot, legal_form_name, slot_name
from bot.notify.render_cards import DeskCards
from bot.notify.render_jobs import Jobs
from bot.notify.render_masters import Masters

__all__ = [
    "CANCEL_REASON_NAMES", "CLAIM_REJECT_NAMES", "EXTENSION_REASON_NAMES",
    "MASTER_REJECT_REASON_NAMES", "PAYMENT_NAMES", "REJECT_REASON_NAMES",
    "RELEASE_REASON_NAMES", "Renderer", "and_more", "answer_rows", "day_slot",
    "legal_form_name", "q", "rows", "slot_name",
]


@dataclass
class Renderer(DeskCards, Jobs, Masters):
    """Knows the catalogue and the money/time settings; renders for the current locale."""
