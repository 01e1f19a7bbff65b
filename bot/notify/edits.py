"""How a client's change of his order reads (bot/services/edits.py): old → new, escaped.

The payload keeps the values as they were and became at the change, so a note delivered late
still says what changed then, whatever happened to the order since.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.rules import clip
from bot.i18n import _
from bot.notify.render import Renderer, q

NOTE_DESCRIPTION = 400  # each side of a changed description: the note stays short


def _place(p: dict[str, Any]) -> str:
    return Renderer.place_of(p.get("address"), p.get("lat"), p.get("lon"))


def _wish(p: dict[str, Any]) -> str:
    day = date.fromisoformat(p["date"]) if p.get("date") else None
    return Renderer.wish(bool(p.get("urgent")), int(p.get("percent") or 0), day, p.get("slot"))


def change_lines(p: dict[str, Any]) -> list[str]:
    """The change in a line or two: what it was → what it is."""
    field = p.get("field")
    if field == "address":
        return [_("Address: {old} → {new}").format(old=_place(p["old"]), new=_place(p["new"]))]
    if field == "time":
        return [_("When: {old} → {new}").format(old=_wish(p["old"]), new=_wish(p["new"]))]
    lines = []
    if p.get("old") != p.get("new"):
        lines.append(_("Description: {old} → {new}").format(
            old=q(clip(p.get("old") or "", NOTE_DESCRIPTION)),
            new=q(clip(p.get("new") or "", NOTE_DESCRIPTION))))
    if p.get("photos_old") != p.get("photos_new"):
        lines.append(_("Photos: {old} → {new}").format(old=p.get("photos_old", 0),
                                                       new=p.get("photos_new", 0)))
    return lines


def desk_note(p: dict[str, Any]) -> str:
    """The note in the order's topic. A new address after a master accepted is a warning: he
    may have planned his route, bought parts nearby, or no longer serve that place."""
    heads = {"address": _("✏️ The client changed the address."),
             "time": _("✏️ The client changed the time.")}
    lines = [heads.get(p.get("field", ""), _("✏️ The client changed the description.")),
             *change_lines(p)]
    if p.get("field") == "address" and p.get("accepted"):
        lines.append(_("⚠️ The master has already accepted this order: check that he can still "
                       "go to the new address."))
    return "\n".join(lines)
