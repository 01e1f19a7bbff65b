"""Sync filters run on the event loop, not in a thread.

aiogram (3.2x) runs every filter that is not a coroutine function through
`asyncio.to_thread`: a conversation's state (`NewOrder.address` used as a filter), `F.text`,
`F.photo`, … each cost a hand-over to the thread pool and a turn of the loop to come back
(about seven an update on the New order path, every one of them a pure check of the update).
Once the routers are in place, `inline_filters` wraps each such filter in a coroutine that
calls it directly; what it decides is unchanged. Handlers are left as aiogram runs them (ours
are all coroutines).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject


def _at_once(check: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def run(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)
    return run


def _inline(filters: list[FilterObject] | None) -> int:
    done = 0
    for f in filters or ():
        if not f.awaitable:  # its params stay those of the check itself
            f.callback, f.awaitable = _at_once(f.callback), True
            done += 1
    return done


def inline_filters(router: Router) -> int:
    """Make the sync filters of `router` and every router below it run inline; how many."""
    done = 0
    for observer in router.observers.values():
        done += _inline(observer._handler.filters)
        for handler in observer.handlers:
            done += _inline(handler.filters)
    return done + sum(inline_filters(sub) for sub in router.sub_routers)
