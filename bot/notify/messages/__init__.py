"""What each queued outbox row says, in the reader's language (composed at delivery time).

One composer per event type (bot/events), registered with `@composes(Event)` in the module of
its reader: client.py, master.py, desk.py (notes.py: the desk's notes), shared.py (either
side). A stored row is composed by its kind: `compose(kind, payload, …)` parses the payload into
its event, so rows queued before an upgrade read as they did.
"""

from __future__ import annotations

from typing import Any

from bot.events import EVENTS, event_of
from bot.notify.messages import client, desk, master, shared
from bot.notify.messages.base import COMPOSERS as BY_EVENT
from bot.notify.messages.base import Draft, Target, draft, for_master
from bot.notify.messages.notes import DESK_NOTES
from bot.notify.render import Renderer

# The kinds a message is composed for (the rest the sender acts on itself: cards, albums).
COMPOSERS = {kind: BY_EVENT[cls] for kind, cls in EVENTS.items() if cls in BY_EVENT}
_READERS = (client, desk, master, shared)  # imported for their registrations


def compose(kind: str, payload: dict[str, Any] | None, t: Target, r: Renderer) -> Draft:
    """The message of a stored row; ValueError for a kind nobody composes."""
    if kind not in COMPOSERS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    return draft(event_of(kind, payload), t, r)


__all__ = ["COMPOSERS", "DESK_NOTES", "Draft", "Target", "compose", "draft", "for_master"]
