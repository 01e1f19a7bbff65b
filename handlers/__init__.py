"""Telegram in: thin routers per role, built fresh for every app (the tests build one per
test). Order matters: /cancel first, catch-alls last."""

from __future__ import annotations

from types import ModuleType

from aiogram import F, Router

from handlers import board, common, errors, groups, privacy
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
from handlers.desk.members import DeskMember
from handlers.desk.prompt import PromptScope
from handlers.master import field, jobs, onboarding, report, requests
from handlers.master import menu as master_menu
from handlers.master import pricing as master_pricing
from handlers.master import profile as master_profile


def built(module: ModuleType) -> Router:
    """The module's router, fresh from its `make_router()` (a Router joins one parent only,
    and every app needs its own tree)."""
    router: Router = module.make_router()
    return router


def desk_router(*desk_chats: int) -> Router:
    """The desk groups' (the default one and those of DESK_ROUTES): only their messages, and
    only desk members' presses; a press nothing here answers (a button from an older version)
    is told it is outdated."""
    desk = Router(name="desk")
    desk.message.filter(F.chat.id.in_(desk_chats))
    desk.callback_query.filter(F.message.chat.id.in_(desk_chats), DeskMember())
    desk.message.outer_middleware(PromptScope())  # a prompt answers only in its own thread
    outdated = Router(name="desk_outdated")
    outdated.callback_query.register(common.outdated)
    desk.include_routers(*map(built, (desk_help, desk_orders, desk_masters, desk_claims,
                                      desk_reviews, desk_sla, desk_reports, desk_relay)),
                         outdated)
    return desk


def private_router() -> Router:
    private = Router(name="private")
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    # /privacy next to /start: a command, not an answer to whatever conversation is open
    private.include_routers(*map(built, (common, privacy, new_order, my_orders, edit, stop,
                                         review, cancel, claim, relay, onboarding,
                                         master_profile, master_menu, jobs, report, field,
                                         requests, visit, master_pricing, client_pricing)),
                            common.make_fallback())
    return private


def get_routers(*desk_chats: int) -> list[Router]:
    # /id first: in the desk's topics it is not a message for the client
    return [errors.make_router(), groups.make_router(), board.make_router(*desk_chats),
            desk_router(*desk_chats), private_router()]
