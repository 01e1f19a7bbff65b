"""The album collector (bot/album_parts.py): one answer per album, whatever the timing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiogram.types import Chat, Message, PhotoSize, Update, User

from bot.album_parts import AlbumCollector, Parts

USER = User(id=5, is_bot=False, first_name="Anna")


def part(n: int, group: str | None = "g1") -> Update:
    return Update(update_id=n, message=Message(
        message_id=n, date=datetime.now(UTC), chat=Chat(id=5, type="private"), from_user=USER,
        media_group_id=group,
        photo=[PhotoSize(file_id=f"p{n}", file_unique_id=f"u{n}", width=1, height=1)]))


async def handle(albums: AlbumCollector, lock: asyncio.Lock, update: Update,
                 answers: list[Parts], refusal: str | None = None,
                 unwinding: float = 0.0) -> None:
    """What the dispatcher does: count the arrival, run the handler under the user's lock
    (SimpleEventIsolation), count it finished (`unwinding` seconds after the lock is let go:
    the rest of the middlewares and the session's end)."""
    key = albums.arrived(update)
    assert update.message is not None
    try:
        async with lock:
            parts = await albums.settle(update.message, refusal)
            if parts is not None:
                answers.append(parts)
        await asyncio.sleep(unwinding)
    finally:
        if key is not None:
            albums.finished(key, update.message.message_id)


async def test_parts_arriving_together_get_one_answer() -> None:
    albums, lock, answers = AlbumCollector(quiet=0.05), asyncio.Lock(), []
    await asyncio.gather(*(handle(albums, lock, part(i), answers, "too many" if i > 2 else None)
                           for i in range(5)))
    assert answers == [Parts(count=5, refused=2, refusals=("too many",))]


async def test_parts_still_unwinding_when_the_next_one_settles_get_one_answer() -> None:
    """The next part takes the lock and settles before the ones before it have unwound
    (nothing in between waits on a thread any more): they are done, so the last answers."""
    albums, lock, answers = AlbumCollector(quiet=0.05), asyncio.Lock(), []
    await asyncio.gather(*(handle(albums, lock, part(i), answers, unwinding=0.2)
                           for i in range(5)))
    assert answers == [Parts(count=5, refused=0, refusals=())]


async def test_a_part_arriving_during_the_wait_takes_over_the_answer() -> None:
    albums, lock, answers = AlbumCollector(quiet=0.2), asyncio.Lock(), []
    first = asyncio.create_task(handle(albums, lock, part(1), answers))
    await asyncio.sleep(0.1)  # the first part is waiting for the album to be quiet
    await handle(albums, lock, part(2), answers)
    await first
    assert answers == [Parts(count=2, refused=0, refusals=())]


async def test_a_lone_photo_and_a_late_straggler_are_answered_on_their_own() -> None:
    albums, lock, answers = AlbumCollector(quiet=0.01), asyncio.Lock(), []
    await handle(albums, lock, part(1, group=None), answers)
    await asyncio.gather(*(handle(albums, lock, part(i), answers) for i in range(2, 4)))
    await asyncio.sleep(0.05)
    await handle(albums, lock, part(4), answers)  # long after the album was answered
    assert [p.count for p in answers] == [1, 2, 1]
