"""The master's price proposals: a quote after the call (handlers/master/quote.py), then
extras the client must approve (handlers/master/extra.py) [C 一.3, 五.2; V]."""

from __future__ import annotations

from aiogram import Router

from handlers.master import extra, quote


def make_router() -> Router:
    router = Router(name="master_pricing")
    quote.register(router)
    extra.register(router)
    return router
