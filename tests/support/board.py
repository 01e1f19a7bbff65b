"""Telegram's proofs as Telegram makes them, for the board's tests: a Mini App's initData and
the Login Widget's fields, signed with the bot token the way core.telegram.org describes."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from aiogram.methods import GetFile
from aiogram.types import File


def _lines(fields: dict[str, str]) -> bytes:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields)).encode()


def init_data(token: str, user_id: int, *, first_name: str = "Manager", language: str = "en",
              auth_date: float | None = None) -> str:
    fields = {"query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps({"id": user_id, "first_name": first_name,
                                  "language_code": language}, separators=(",", ":")),
              "auth_date": str(int(time.time() if auth_date is None else auth_date))}
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, _lines(fields), hashlib.sha256).hexdigest()
    return urlencode(fields)


def login_fields(token: str, user_id: int, *, auth_date: float | None = None
                 ) -> dict[str, str]:
    fields = {"id": str(user_id), "first_name": "Manager", "username": "manager",
              "auth_date": str(int(time.time() if auth_date is None else auth_date))}
    secret = hashlib.sha256(token.encode()).digest()
    fields["hash"] = hmac.new(secret, _lines(fields), hashlib.sha256).hexdigest()
    return fields


# A 1×1 PNG: what "Telegram" hands back for any file in the board's tests.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201e226059b0000000049454e44ae426082")


def serve_files(session: Any) -> list[str]:
    """Make the recording Bot API session answer getFile and the file download the way
    Telegram does (every file is PIXEL); returns the file ids asked for."""
    asked: list[str] = []
    make_request = session.make_request

    async def answer(bot: Any, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, GetFile):
            asked.append(method.file_id)
            return File(file_id=method.file_id, file_unique_id="u" + method.file_id,
                        file_path=f"photos/{method.file_id}.png")
        return await make_request(bot, method, timeout)

    async def stream(*args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        yield PIXEL

    session.make_request = answer
    session.stream_content = stream
    return asked
