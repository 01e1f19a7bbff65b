"""Several photos sent at once (a Telegram album) get one answer, not one per photo.

Telegram delivers an album as separate messages sharing a `media_group_id`, one update each.
Every part must still be stored (each handler adds its photo to the FSM draft), but only one
part may answer ("3 photos added" with one Continue button).

Why it is built this way: aiogram's `SimpleEventIsolation` runs one user's updates one after
another, holding a per-user lock around the whole handler. So a handler cannot wait for "the
other parts" inside itself: they are queued behind it, and would only start after it returned.
Instead:

1. `AlbumDispatcher.feed_update` counts each part as it *arrives*, before the FSM middleware
   takes the user's lock (polling and webhooks both call `feed_update`, one task per update,
   so the parts of an album delivered together are all counted at once), and counts it again
   as *finished* when its handling is over, whatever the outcome.
2. The handler stores its part, then calls `AlbumCollector.settle`. A part that sees other
   parts arrived but neither settled nor finished returns None at once: they are queued
   behind it and the last of them answers. (A part is done once it settles, not only once
   its update has unwound: the next part may take the lock and settle before the one before
   it is back from releasing it.) A part that sees every other part done waits until the
   album has been quiet for `quiet` seconds after its latest arrival; if a new part came
   meanwhile it returns None (the newcomer, queued behind it, takes over), else it answers
   for the album.

So exactly one part answers once the album is complete, from inside a handler: the answer
goes through the same isolation, FSM storage and error handling as any other. A lone message
(no `media_group_id`) answers at once, as before. The cost is one wait of `quiet` seconds
inside the last part's handler.

The counts live in this process's memory: with several processes behind webhooks the parts
of one album could reach different processes, and each would answer its share (more answers,
never a lost photo). A part handled by another handler (a video in a photo step) is counted as
finished like any other; if it is the last, it gives its own answer and the photos before it
stay silent but stored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.scope import release, session_scope
from fsm.buffer import UPDATE_ID

Key = tuple[int, str]  # (chat, media_group_id)
QUIET_SECONDS = 0.8  # Telegram sends an album's parts within a fraction of a second
FORGET_SECONDS = 120.0  # a finished album's counts are dropped after this


@dataclass
class _Group:
    arrived: int = 0
    finished: int = 0
    pending: set[int] = field(default_factory=set)  # parts arrived, neither settled nor finished
    last: float = 0.0  # when the latest part arrived (monotonic)
    handled: int = 0  # parts that reached `settle`
    refused: int = 0  # of those, parts that were not added
    refusals: list[str] = field(default_factory=list)  # distinct reasons, in order


@dataclass(frozen=True)
class Parts:
    """What the answering part answers for: its album (or itself alone)."""

    count: int  # parts handled since the last answer (1 for a lone message)
    refused: int  # of those, how many were not added
    refusals: tuple[str, ...]  # each distinct reason once

    @property
    def added(self) -> int:
        return self.count - self.refused


def album_key(message: Message | None) -> Key | None:
    if message is None or message.media_group_id is None:
        return None
    return (message.chat.id, message.media_group_id)


class AlbumCollector:
    def __init__(self, quiet: float = QUIET_SECONDS,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.quiet, self.clock, self.sleep = quiet, clock, sleep
        self._groups: dict[Key, _Group] = {}

    def arrived(self, update: Update) -> Key | None:
        """A part came in (before any handler or lock); returns its album's key."""
        key = album_key(update.message)
        if key is None:
            return None
        now = self.clock()
        self._forget(now)
        group = self._groups.setdefault(key, _Group())
        group.arrived += 1
        group.pending.add(update.message.message_id)  # type: ignore[union-attr]
        group.last = now
        return key

    def finished(self, key: Key, message_id: int) -> None:
        group = self._groups.get(key)
        if group is not None:
            group.finished += 1
            group.pending.discard(message_id)

    async def settle(self, message: Message, refusal: str | None = None) -> Parts | None:
        """Record this part (with why it was not added, if it was not); Parts for the one part
        that answers, None for the silent ones. Call it after the part is stored."""
        key = album_key(message)
        group = self._groups.get(key) if key is not None else None
        if group is None:  # a lone message (or one that did not come through feed_update)
            return Parts(1, int(refusal is not None), (refusal,) if refusal else ())
        group.handled += 1
        group.pending.discard(message.message_id)
        if refusal is not None:
            group.refused += 1
            if refusal not in group.refusals:
                group.refusals.append(refusal)
        while True:
            if group.pending:
                return None  # another part is still to be handled: the last one answers
            wait = group.last + self.quiet - self.clock()
            if wait <= 0:
                break
            await release()  # no connection held while the album settles
            await self.sleep(wait)
        parts = Parts(group.handled, group.refused, tuple(group.refusals))
        # A straggler after this answer starts a fresh count (and gets its own answer).
        group.handled, group.refused, group.refusals = 0, 0, []
        return parts

    def _forget(self, now: float) -> None:
        old = [k for k, g in self._groups.items()
               if g.finished >= g.arrived and now - g.last > FORGET_SECONDS]
        for k in old:
            del self._groups[k]


class AlbumDispatcher(Dispatcher):
    """The dispatcher that counts album parts in and out around their handling (see above),
    and gives each update one database session (db/scope.py)."""

    def __init__(self, *args: Any, albums: AlbumCollector,
                 sessions: async_sessionmaker[AsyncSession], **kwargs: Any) -> None:
        super().__init__(*args, albums=albums, **kwargs)
        self.albums = albums
        self.sessions = sessions

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        key = self.albums.arrived(update)
        token = UPDATE_ID.set(update.update_id)
        try:
            async with session_scope(self.sessions):
                return await super().feed_update(bot, update, **kwargs)
        finally:
            UPDATE_ID.reset(token)
            if key is not None and update.message is not None:
                self.albums.finished(key, update.message.message_id)
