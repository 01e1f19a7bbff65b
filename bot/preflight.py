"""Before Telegram: can we write the database and reach Redis? Each failure is one line naming
the setting and what to fix, so an operator never meets a bot that says it is running while
every update fails."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config import Settings
from db.engine import make_engine

CONNECT_SECONDS = 10.0


class PreflightError(Exception):
    """What to fix, in one line."""


async def check_database(settings: Settings) -> None:
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise PreflightError(f"DATABASE_URL is invalid: {exc}") from None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folder = Path(url.database).resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".masterdesk-write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise PreflightError(f"DATABASE_URL: cannot write to the folder {folder} "
                                 f"({exc.strerror}); choose a writable place or fix its "
                                 f"permissions") from None
    engine = make_engine(settings.database_url)
    try:
        async with asyncio.timeout(CONNECT_SECONDS):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any driver error means the same to an operator
        where = (f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"
                 if url.get_backend_name() != "sqlite" else str(url.database))
        reason = "timed out" if isinstance(exc, TimeoutError) else _first_line(exc)
        raise PreflightError(f"DATABASE_URL: cannot connect to {where} ({reason}); check that "
                             f"the server runs and the URL, user and password are right") from None
    finally:
        await engine.dispose()


async def check_redis(settings: Settings) -> None:
    if not settings.redis_url:
        return
    try:
        client = Redis.from_url(settings.redis_url, socket_connect_timeout=CONNECT_SECONDS)
    except ValueError as exc:
        raise PreflightError(f"REDIS_URL is invalid: {exc}; use e.g. "
                             f"redis://127.0.0.1:6379/0") from None
    try:
        async with asyncio.timeout(CONNECT_SECONDS):
            await client.ping()
    except Exception as exc:  # noqa: BLE001
        reason = "timed out" if isinstance(exc, TimeoutError) else _first_line(exc)
        raise PreflightError(f"REDIS_URL: cannot reach Redis ({reason}); check that it runs "
                             f"and the URL is right, or leave REDIS_URL empty") from None
    finally:
        await client.aclose()


def _first_line(exc: BaseException) -> str:
    text_ = str(exc).strip().splitlines()
    return text_[0][:200] if text_ else type(exc).__name__
