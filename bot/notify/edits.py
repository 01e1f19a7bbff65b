"""How a client's change of his order reads (bot/services/edits.py): old → new, escaped.

The event keeps the values as they were and became at the change, so a note delivered late
still says what changed then, whatever happened to the order since.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.rules import clip
from bot.events.shared import OrderEdited
from bot.i18n import _
from bot.notify.markup import q
from bot.notify.render import Renderer

NOTE_DESCRIPTION = 400  # each side of a changed description: the note stays short


def _place(p: dict[str, Any]) -> str:
    return Renderer.place_of(p.get("address"), p.get("lat"), p.get("lon"))


def _wish(p: dict[str, Any]) -> str:
    day = date.fromisoformat(p["date"]) if p.get("date") else None
    return Renderer.wish(bool(p.get("urgent")), int(p.get("percent") or 0), day, p.get("slot"))


def _side(value: Any, key: str) -> dict[str, Any]:
    """One side of an address or time change: a dict of what it was or became."""
    if not isinstance(value, dict):
        raise KeyError(key)
    return value


def change_lines(e: OrderEdited) -> list[str]:
    """The change in a line or two: what it was → what it is."""
    if e.field == "address":
        return [_("Address: {old} → {new}").format(old=_place(_side(e.old, "old")),
                                                   new=_place(_side(e.new, "new")))]
    if e.field == "time":
        return [_("When: {old} → {new}").format(old=_wish(_side(e.old, "old")),
                                                new=_wish(_side(e.new, "new")))]
    lines = []
    if e.old != e.new:
        lines.append(_("Description: {old} → {new}").format(
            old=q(clip(e.old or "", NOTE_DESCRIPTION)),
            new=q(clip(e.new or "", NOTE_DESCRIPTION))))
    if e.photos_old != e.photos_new:
        lines.append(_("Photos: {old} → {new}").format(old=e.photos_old, new=e.photos_new))
    return lines


def desk_note(e: OrderEdited) -> str:
    """The note in the order's topic. A new address after a master accepted is a warning: he
    may have planned his route, bought parts nearby, or no longer serve that place."""
    heads = {"address": _("✏️ The client changed the address."),
             "time": _("✏️ The client changed the time.")}
    lines = [heads.get(e.field or "", _("✏️ The client changed the description.")),
             *change_lines(e)]
    if e.field == "address" and e.accepted:
        lines.append(_("⚠️ The master has already accepted this order: check that he can still "
                       "go to the new address."))
    return "\n".join(lines)
