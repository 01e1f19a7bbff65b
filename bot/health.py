"""`/healthz` and `/metrics`, for a service manager, a load balancer and Prometheus.

Served on the webhook listener in webhook mode, and on METRICS_LISTEN when it is set (the way
to get them in polling mode). Neither says anything about a user: counts, ages and states only.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.engine import make_url

from bot.config import ConfigError
from db import outbox

if TYPE_CHECKING:
    from bot.app import App

logger = logging.getLogger(__name__)
CHECK_SECONDS = 3.0  # a check slower than this counts as failed: the prober is waiting


async def _database(app: App) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Is the database there and readable? Also the outbox backlog, read in the same query."""
    url = make_url(app.settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not Path(url.database).exists():
        # SQLite keeps reading a deleted file through the open connection, but what we write
        # now is lost, and the next start begins with an empty database.
        return {"ok": False, "error": "the database file is gone"}, None
    try:
        async with asyncio.timeout(CHECK_SECONDS), app.ctx.read() as s:
            pending, oldest = await outbox.pending_summary(s)
    except Exception as exc:  # noqa: BLE001 - any failure means the same here: not healthy
        reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
        logger.warning("health: database check failed: %s", reason)
        return {"ok": False, "error": reason}, None
    age = max(0.0, (app.ctx.clock() - oldest).total_seconds()) if oldest else 0.0
    return {"ok": True}, {"pending": pending, "oldest_seconds": round(age, 1)}


async def _redis(app: App) -> dict[str, Any] | None:
    if not app.settings.redis_url:
        return None
    redis = getattr(app.storage, "redis", None)
    if redis is None:
        return {"ok": False, "error": "no Redis client"}
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await redis.ping()
    except Exception as exc:  # noqa: BLE001
        reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
        return {"ok": False, "error": reason}
    return {"ok": True}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


async def health(app: App) -> tuple[bool, dict[str, Any]]:
    database, outbox = await _database(app)
    redis = await _redis(app)
    sender = app.sender_task is not None and not app.sender_task.done()
    checks = {
        "database": database,
        "redis": redis,
        "sender": {"ok": sender},
        "clock": {"ok": app.clock.alive()},
    }
    ok = all(c["ok"] for c in checks.values() if c is not None)
    body: dict[str, Any] = {"ok": ok, **checks,
                            "last_update_at": _iso(app.metrics.last_update_at),
                            "outbox": outbox}
    return ok, body


def add_routes(web_app: web.Application, app: App) -> None:
    async def healthz(_: web.Request) -> web.Response:
        ok, body = await health(app)
        return web.json_response(body, status=200 if ok else 503)

    async def metrics(_: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                await app.metrics.refresh(app.ctx)
            app.metrics.database_up.set(1)
        except Exception as exc:  # noqa: BLE001 - the in-memory figures are still worth serving
            logger.warning("metrics: cannot read the database: %s", type(exc).__name__)
            app.metrics.database_up.set(0)
        return web.Response(body=app.metrics.exposition(),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)


async def serve_on(web_app: web.Application, listen: str, setting: str) -> web.AppRunner:
    """`web_app` on `listen` (host:port); ConfigError naming `setting` when the port is
    taken."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    host, port = listen.rsplit(":", 1)
    try:
        await web.TCPSite(runner, host, int(port)).start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(f"{setting}: cannot listen on {listen} ({exc.strerror}); "
                          f"choose a free port") from None
    return runner


async def start_listener(app: App, listen: str) -> web.AppRunner:
    """The health and metrics endpoints alone, on `listen` (host:port)."""
    web_app = web.Application()
    add_routes(web_app, app)
    runner = await serve_on(web_app, listen, "METRICS_LISTEN")
    logger.info("health and metrics on http://%s/healthz and /metrics", listen)
    return runner
