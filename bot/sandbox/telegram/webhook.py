"""Webhook delivery, as Telegram does it: each update is POSTed to the webhook, up to
max_connections at a time, with the secret token header; when the answer is not 2XX or there is
none, Telegram "will repeat the request and give up after a reasonable amount of attempts"
(Bot API, setWebhook). Meanwhile the update stays pending.

Off unless ``webhook_address`` is set: the host of the registered HTTPS URL is reached there
(a test's DNS, without TLS), e.g. ``http://127.0.0.1:8443`` for nginx in front of replicas.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from yarl import URL

from bot.sandbox.telegram.methods_bot import BotMethods
from bot.sandbox.telegram.params import Params

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDelivery(BotMethods):
    def _init_state(self) -> None:
        super()._init_state()
        #: Where the webhook URL's host is reached; unset: updates wait for getUpdates (or
        #: for a test to post them itself).
        self.webhook_address: str | None = None
        self.webhook_retry_seconds = 0.5  # Telegram waits longer; a test does not have to
        self.webhook_max_attempts = 60
        #: Cleared: no delivery starts until it is set again; ``webhook_in_flight`` counts the
        #: requests waiting for the webhook's answer.
        self.webhook_open = asyncio.Event()
        self.webhook_open.set()
        self.webhook_in_flight = 0
        #: Every failed delivery: (update_id, what went wrong).
        self.webhook_failures: list[tuple[int, str]] = []
        self._webhook_secret: str | None = None
        self._webhook_slots = asyncio.Semaphore(40)
        self._webhook_tasks: dict[int, asyncio.Task[None]] = {}  # by update_id
        self._webhook_http: aiohttp.ClientSession | None = None

    async def stop(self) -> None:
        for task in self._webhook_tasks.values():
            task.cancel()
        if self._webhook_tasks:
            await asyncio.wait(set(self._webhook_tasks.values()))
        if self._webhook_http is not None:
            await self._webhook_http.close()
            self._webhook_http = None
        await super().stop()

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = super()._push(kind, payload)
        self._webhook_deliver(update)
        return update

    def _set_webhook(self, p: Params, bot_id: int) -> bool:
        done = super()._set_webhook(p, bot_id)
        self._webhook_secret = p.text("secret_token")
        self._webhook_slots = asyncio.Semaphore(p.integer("max_connections") or 40)
        allowed = p.json("allowed_updates")
        if isinstance(allowed, list) and allowed:
            self._allowed_updates = frozenset(allowed)
        for update in list(self._updates):  # what waited while there was no webhook
            self._webhook_deliver(update)
        return done

    def _webhook_target(self) -> str | None:
        if not (self.webhook_url and self.webhook_address):
            return None
        return self.webhook_address.rstrip("/") + URL(self.webhook_url).path_qs

    def _webhook_deliver(self, update: dict[str, Any]) -> None:
        uid = update["update_id"]
        if self._webhook_target() is None or self._closing or uid in self._webhook_tasks:
            return
        task = asyncio.get_running_loop().create_task(self._webhook_send(update))
        self._webhook_tasks[uid] = task
        task.add_done_callback(lambda _: self._webhook_tasks.pop(uid, None))

    def _webhook_done(self, update: dict[str, Any], why: str | None = None) -> None:
        if update in self._updates:
            self._updates.remove(update)
        if why:
            self.undelivered.append((update, why))

    async def _webhook_send(self, update: dict[str, Any]) -> None:
        kind = next(k for k in update if k != "update_id")
        if kind not in self._allowed_updates:
            self._webhook_done(update, f"{kind} not in allowed_updates")
            return
        for _attempt in range(self.webhook_max_attempts):
            await self.webhook_open.wait()
            url = self._webhook_target()
            if url is None:
                return  # the webhook was deleted: the update waits for getUpdates
            why = await self._webhook_post(url, update)
            if why is None:
                self._webhook_done(update)
                return
            self.webhook_failures.append((update["update_id"], why))
            await asyncio.sleep(self.webhook_retry_seconds)
        self._webhook_done(update, "webhook: gave up after repeated failures")

    async def _webhook_post(self, url: str, update: dict[str, Any]) -> str | None:
        """One delivery: None when the webhook took it, else what went wrong."""
        if self._webhook_http is None:
            self._webhook_http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        headers = {SECRET_HEADER: self._webhook_secret} if self._webhook_secret else {}
        async with self._webhook_slots:
            self.webhook_in_flight += 1
            try:
                async with self._webhook_http.post(url, json=update, headers=headers) as r:
                    return None if 200 <= r.status < 300 else f"HTTP {r.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                return f"{type(exc).__name__}: {exc}"
            finally:
                self.webhook_in_flight -= 1
