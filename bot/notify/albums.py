"""Files as Telegram albums: photos and documents in groups of at most ten (`sendMediaGroup`),
one file alone as a plain photo or document (an album needs two), the caption on the first
item and within Telegram's 1,024 characters.

Used by the outbox sender for the order's photos, the completion report's photos and the
masters' documents (bot/notify/sender.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram import Bot
from aiogram.types import InputMediaDocument, InputMediaPhoto, Message

from bot.domain.files import parse_ref
from bot.i18n import _

ALBUM_LIMIT = 10  # items per sendMediaGroup

# How Telegram says it no longer has a file (or never had it): resending cannot help. Seen as
# "wrong file identifier/HTTP URL specified", "wrong remote file identifier specified: ...",
# "FILE_REFERENCE_EXPIRED", "MEDIA_EMPTY" and "file not found"-style answers.
_LOST_FILE = ("wrong file identifier", "wrong remote file", "file_reference", "file reference",
              "file not found", "file_id", "media_empty", "invalid file")

Send = Callable[..., Awaitable[Any]]


def album_caption(what: str, number: int) -> str:
    """What an album shows, in the reader's language (the locale is set by the caller)."""
    if what == "report":
        return _("📷 Order #{number}: photos of the finished work").format(number=number)
    return _("📷 Order #{number}: the client's photos of the problem").format(number=number)


def documents_caption(master_id: int) -> str:
    """A master's documents for the desk [R §4] (the desk's locale is set by the caller)."""
    return _("Documents of master #{number}").format(number=master_id)


def lost_file(error: str) -> bool:
    """True when a 400 means a file is gone, not that our request was malformed."""
    low = error.lower()
    return any(sign in low for sign in _LOST_FILE)


def chunks(items: Sequence[str], size: int = ALBUM_LIMIT) -> list[list[str]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


async def send_files(bot: Bot, chat_id: int, refs: Sequence[str], caption: str | None,
                     in_thread: Callable[..., Awaitable[Any]] | None = None,
                     thread_id: int | None = None) -> list[Message]:
    """Send kept files (bot/domain/files.py references) to a chat, photos and documents in
    separate albums (Telegram does not mix the two), each album captioned.

    `in_thread(send, chat_id, thread_id, *args, **kwargs)` sends into a forum topic (the
    sender's fallback to General when the topic was deleted); without it, the chat itself."""
    async def call(send: Send, *args: Any, **kwargs: Any) -> Any:
        if in_thread is not None:
            return await in_thread(send, chat_id, thread_id, *args, **kwargs)
        return await send(chat_id, *args, **kwargs)

    text = caption  # fitted to 1,024 on the way out, as every caption (bot/notify/fitting.py)
    files = [parse_ref(r) for r in refs]
    photos = [f.file_id for f in files if f.kind == "photo" and f.file_id]
    docs = [f.file_id for f in files if f.kind == "document" and f.file_id]
    sent: list[Message] = []
    for group, make, single in ((photos, InputMediaPhoto, bot.send_photo),
                                (docs, InputMediaDocument, bot.send_document)):
        for chunk in chunks(group):
            if len(chunk) == 1:
                sent.append(await call(single, chunk[0], caption=text))
                continue
            media = [make(media=f, caption=text if i == 0 else None)
                     for i, f in enumerate(chunk)]
            sent.extend(await call(bot.send_media_group, media))
    return sent
