"""Telegram in: thin routers per role. Order matters: /cancel first, catch-alls last."""

from __future__ import annotations

from aiogram import F, Router

from handlers import common, errors, groups, privacy
from handlers.client import (
    cancel,
    claim,
    edit,
    my_orders,
    new_order,
    relay,
    review,
    stop,
    visit,
)
from handlers.client import pricing as client_pricing
from handlers.desk import claims as desk_claims
from handlers.desk import help as desk_help
from handlers.desk import masters as desk_masters
from handlers.desk import orders as desk_orders
from handlers.desk import relay as desk_relay
from handlers.desk import reports as desk_reports
from handlers.desk import reviews as desk_reviews
from handlers.desk import sla as desk_sla
from handlers.desk.prompt import PromptScope
from handlers.master import field, jobs, onboarding, requests
from handlers.master import menu as master_menu
from handlers.master import pricing as master_pricing
from handlers.master import profile as master_profile


def _detached(*routers: Router) -> tuple[Router, ...]:
    """Module routers are singletons; a second app in one process (the tests build one per
    test) re-attaches them to its own fresh parents."""
    for r in routers:
        r._parent_router = None  # noqa: SLF001 - aiogram has no public detach
    return routers


def get_routers(desk_chat_id: int) -> list[Router]:
    desk = Router(name="desk")
    desk.message.filter(F.chat.id == desk_chat_id)
    desk.callback_query.filter(F.message.chat.id == desk_chat_id)
    desk.message.outer_middleware(PromptScope())  # a prompt answers only in its own thread
    desk.include_routers(*_detached(desk_help.router, desk_orders.router, desk_masters.router,
                                    desk_claims.router,
                                    desk_reviews.router, desk_sla.router,
                                    desk_reports.router, desk_relay.router))

    private = Router(name="private")
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    # /privacy next to /start: a command, not an answer to whatever conversation is open
    private.include_routers(*_detached(common.router, privacy.router,
                                       new_order.make_router(), my_orders.router, edit.router,
                                       stop.router, review.router, cancel.router,
                                       claim.make_router(),
                                       relay.router,
                                       onboarding.make_router(),
                                       master_profile.router, master_menu.router,
                                       jobs.router, field.router,
                                       requests.router, visit.router,
                                       master_pricing.make_router(), client_pricing.router,
                                       common.fallback))
    # /id first: in the desk's topics it is not a message for the client
    return [*_detached(errors.router, groups.router), desk, private]
