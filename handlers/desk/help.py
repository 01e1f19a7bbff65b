"""/help in the desk: what the desk does here, the commands, how a topic talks to the client
and the master."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.domain.rules import Actor, desk_only
from bot.i18n import _


def desk_help() -> str:
    return "\n".join([
        _("<b>What the bot does for the desk</b>"),
        _("Every order gets a topic here with its card: assign a master (or let Auto offer it "
          "down the list), reject, cancel, and decide the masters' requests and the clients' "
          "claims with the card's buttons. The clock posts what is late into the topic."),
        "",
        _("<b>Talking to people</b>"),
        _("What you write in an order's topic goes to its client; /m and a text go to its "
          "master; a message that starts with // stays among managers."),
        "",
        _("<b>Commands</b>"),
        _("/order 12 — an order's card, with a link to its topic"),
        _("/find — orders by number, phone, name or address"),
        _("/sla — orders at risk and overdue"),
        _("/stats — desk figures"),
        _("/masters — applications to verify"),
        _("/export — all orders as CSV"),
        _("/board — the desk board: open orders, timelines, masters, charts"),
        _("/block, /unblock — a master by his number, or a client by an order's number"),
        _("/review 12 text — correct the review of an order"),
        _("/help — this help"),
    ])


async def help_cmd(message: Message, actor: Actor) -> None:
    desk_only(actor)
    await message.answer(desk_help())


def make_router() -> Router:
    router = Router(name="desk_help")
    router.message.register(help_cmd, Command("help"))
    return router
