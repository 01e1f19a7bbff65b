"""Notes coalesce: the desk's group takes about 20 messages a minute, so when several text
notes about one order wait for it at once (the group is behind: a master accepted, called and
agreed a time while the desk's budget went to new orders), they go into the order's topic as
one message, each note its own paragraph, in the order they were queued.

Only plain notes ride together (DeskNote, DeskSla, reviews, a client's cancellation, his
rating): no buttons, no files, nothing that has to be edited later. The first note of the run
is delivered as usual; the ones that follow it in its topic join it while they are plain notes
and fit; a row this sender could not lease (another process has it) ends the run. When the
send fails, the followers are let go (their lease released) and go out later on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from datetime import datetime

from bot.events import DeskClientCancelled, DeskClientRated, DeskNote, DeskReview, DeskSla
from bot.events.base import event_of
from bot.notify.messages import Draft, Target, draft
from bot.notify.sender_cards import CardsSender
from db import outbox
from db.outbox import Queued

NOTE_KINDS = frozenset(e.kind for e in (DeskNote, DeskSla, DeskReview, DeskClientRated,
                                        DeskClientCancelled))
MAX_NOTES = 10  # in one message
MAX_CHARS = 3000  # of HTML source: well within Telegram's 4096, so no note is ever shortened


def note_run(row: Queued, after: Sequence[Queued],
             waiting: tuple[int, int] | None) -> list[Queued]:
    """The rows that may join `row`: the next rows of its order's topic in reading order
    (`after`), while each is a note and no row of the desk waits before it (`waiting`: the
    desk's first waiting row, which nothing after it may overtake)."""
    if row.chat_id is not None or row.order_id is None or row.kind not in NOTE_KINDS:
        return []
    run: list[Queued] = []
    for r in after:
        if r.chat_id is not None or r.order_id != row.order_id:
            continue  # another chat or another topic: its order is its own
        if (r.kind not in NOTE_KINDS or len(run) + 1 >= MAX_NOTES
                or (waiting is not None and waiting < (r.priority, r.id))):
            break
        run.append(r)
    return run


# The notes leased to go with the row being sent: each send in flight has its own (a task
# runs in its own copy of the context; bot/notify/flights.py).
RIDING: ContextVar[tuple[Queued, ...]] = ContextVar("riding_notes", default=())


def plain(message: Draft) -> bool:
    return not (message.markup or message.photo or message.document or message.job)


class NotesSender(CardsSender):
    async def _with_followers(self, first: Draft, target: Target,
                              followers: Sequence[Queued]) -> Draft:
        """`first` with the notes that join it, each leased for this send (RIDING)."""
        if not followers or not plain(first):
            return first
        texts, size = [first.text], len(first.text)
        for row in followers:
            try:
                with self.i18n.use_locale(target.locale):
                    note = draft(event_of(row.kind, row.payload), target, self.renderer)
            except Exception:  # noqa: BLE001 - it fails on its own turn, not this one's
                break
            if not plain(note) or size + len(note.text) + 2 > MAX_CHARS:
                break
            if not await self._claim(row.id):
                break
            RIDING.set((*RIDING.get(), row))
            texts.append(note.text)
            size += len(note.text) + 2
        return Draft("\n\n".join(texts)) if RIDING.get() else first

    def _rode(self, at: datetime) -> None:
        """The followers went out with their first: settled with the next claim, and not
        sent again in this pass."""
        riding = RIDING.get()
        RIDING.set(())
        self._sent.extend((row, at) for row in riding)
        self._gone.update(row.id for row in riding)

    async def _let_go(self) -> None:
        """The send failed: the followers' leases are released; each goes on its own."""
        riding = RIDING.get()
        RIDING.set(())
        if riding:
            async with self.ctx.tx() as s:
                await outbox.release(s, [row.id for row in riding])
