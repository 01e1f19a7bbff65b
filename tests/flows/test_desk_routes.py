"""Several desk groups (DESK_ROUTES, issue 16): an order routed to a group has its topic, card,
photos and manager chat there and nowhere else; an unrouted one stays in the default desk; an
administrator of any group acts on any order; each group has its own 20 a minute."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram.methods import CreateForumTopic, SetMyCommands
from aiogram.types import Chat, ChatMember, ChatMemberMember, ChatMemberOwner, User

from bot.config import ConfigError, load_settings
from bot.domain.rules import Actor
from bot.notify.limiter import Limiter
from bot.services.base import card_changed
from bot.services.relay import write_to_desk
from bot.startup import StartupError, check_desk
from db.models import Order
from tests.flows.test_flows import order_row, place_order
from tests.support.flowkit import (
    BOT_USER,
    DESK,
    MEDIA,
    TOKEN,
    Harness,
    Person,
    Sent,
    harness,
)

try:
    from conftest import make_order
except ImportError:  # tests/ became a package
    from tests.conftest import make_order

NORTH_DESK = -1005550000001
MANAGER = 7  # ADMIN_IDS
NORTH_ADMIN = 8  # an administrator of the North group only
DEFAULT_ADMIN = 9  # an administrator of the default desk only
ROUTES = f"district:North={NORTH_DESK}"


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with harness(db_url, admin_ids=[MANAGER], districts=["Centre", "North"],
                       desk_routes=ROUTES) as h:
        h.session.chat_admins = {NORTH_DESK: (NORTH_ADMIN,), DESK: (DEFAULT_ADMIN,)}
        yield h


async def order_in(c: Person, district: str) -> int:
    return await place_order(c.harness, c, district=district)


def about(h: Harness, chat: int, order_id: int) -> list[Sent]:
    """What the group got about this order: its card, its photos, its notes."""
    return [m for m in h.session.to(chat) if f"#{order_id}" in m.text]


def card(h: Harness, chat: int, order_id: int) -> Sent:
    found = [m for m in h.session.to(chat) if m.thread_id and f"Order #{order_id}<" in m.text]
    assert found, f"no card of #{order_id} in {chat}"
    return found[0]


async def test_each_order_has_its_topic_and_card_in_its_own_group_only(h: Harness) -> None:
    north = await order_in(h.person(101, "Nina"), "North")
    centre = await order_in(h.person(102, "Cyril"), "Centre")
    topics = [(int(c.chat_id), c.name) for c in h.session.calls
              if isinstance(c, CreateForumTopic)]
    assert topics == [(NORTH_DESK, f"#{north} Plumbing — North"),
                      (DESK, f"#{centre} Plumbing — Centre")]
    assert (await order_row(h, north)).desk_chat_id == NORTH_DESK
    assert (await order_row(h, centre)).desk_chat_id is None  # the default desk
    n_card, c_card = card(h, NORTH_DESK, north), card(h, DESK, centre)
    # Topic ids are the group's own: both groups numbered their first topic alike.
    assert n_card.thread_id == c_card.thread_id == 500
    photos = [m for m in h.session.to(NORTH_DESK) if m.method in MEDIA]
    assert photos and all(m.thread_id == n_card.thread_id for m in photos)
    assert not about(h, DESK, north) and not about(h, NORTH_DESK, centre)
    assert [m.method for m in h.session.to(DESK) if m.method in MEDIA] == ["photo"]  # Cyril's


async def test_a_press_in_the_routed_group_works_for_an_admin_of_any_group(h: Harness) -> None:
    north = await order_in(h.person(103, "Nora"), "North")
    n_card = card(h, NORTH_DESK, north)
    thread = n_card.thread_id
    await h.manager(4444, desk=NORTH_DESK, thread_id=thread).click(n_card, "Reject")
    assert h.session.alerts()[-1] == "Only desk members can do this."
    assert (await order_row(h, north)).status == "submitted"
    for uid in (NORTH_ADMIN, DEFAULT_ADMIN, MANAGER):  # the group's, the other's, ADMIN_IDS
        manager = h.manager(uid, desk=NORTH_DESK, thread_id=thread)
        await manager.click(n_card, "Reject")
        assert "A technical problem" in n_card.buttons(), uid  # the card shows the reasons
        await manager.click(n_card, "Back")
        assert "A technical problem" not in n_card.buttons(), uid
    await manager.click(n_card, "Reject")
    await manager.click(n_card, "A technical problem")
    assert (await order_row(h, north)).status == "rejected"
    assert "Order #" in n_card.text and "Rejected" in n_card.text  # redrawn in its group
    assert not about(h, DESK, north)


async def test_the_manager_chat_runs_through_the_orders_own_group(h: Harness) -> None:
    nina, cyril = h.person(104, "Nina"), h.person(105, "Cyril")
    north, centre = await order_in(nina, "North"), await order_in(cyril, "Centre")
    thread = card(h, NORTH_DESK, north).thread_id
    assert thread == card(h, DESK, centre).thread_id  # the same number in both groups
    await nina.send("/orders")
    await nina.click(nina.last(), f"Order #{north}")
    await nina.click(nina.last(), "Write to the manager")
    await nina.send("Please come early")
    assert h.session.to(NORTH_DESK, thread)[-1].text == ("💬 The client Nina writes:\n"
                                                         "Please come early")
    assert not [m for m in h.session.to(DESK) if "come early" in m.text]
    cyril_before = len(h.session.to(105))
    await h.manager(NORTH_ADMIN, desk=NORTH_DESK, thread_id=thread).send("At 9, fine")
    assert nina.last().text == f"💬 The desk about order #{north}:\nAt 9, fine"
    assert len(h.session.to(105)) == cyril_before  # the other group's topic of that number
    await h.manager(MANAGER, thread_id=thread).send("Cyril, we call you today")
    assert cyril.last().text == f"💬 The desk about order #{centre}:\nCyril, we call you today"
    assert "we call you" not in nina.last().text


async def test_every_group_gets_the_desks_commands_and_answers_them(h: Harness) -> None:
    from bot.commands import set_commands

    await set_commands(h.bot, h.app.i18n, h.app.settings)
    scoped = {getattr(c.scope, "chat_id", None) for c in h.session.calls
              if isinstance(c, SetMyCommands)}
    assert {DESK, NORTH_DESK} <= scoped
    north = await order_in(h.person(106, "Nils"), "North")
    await h.manager(NORTH_ADMIN, desk=NORTH_DESK).send(f"/order {north}")
    answer = h.session.last(NORTH_DESK)
    thread = card(h, NORTH_DESK, north).thread_id
    assert f'href="https://t.me/c/5550000001/{thread}"' in answer.text  # its own group


async def test_each_group_has_its_own_twenty_a_minute(db_url: str) -> None:
    """Two messages a minute per group here: the first North order's topic and card use the
    North group's budget, the second North order waits for its group's minute, and the Centre
    order queued after it still goes at once to the default desk."""
    frozen = Limiter(per_second=1e9, private_interval=0, group_per_minute=2,
                     clock=lambda: 1000.0)
    async with harness(db_url, limiter=frozen, districts=["Centre", "North"],
                       desk_routes=ROUTES) as h:
        ctx = h.app.ctx
        first = await make_order(ctx, 201, district="North", photos=[])
        second = await make_order(ctx, 202, district="North", photos=[])
        centre = await make_order(ctx, 203, district="Centre", photos=[])
        await asyncio.wait_for(h.app.sender.run_once(), 10)  # nothing waits out a minute
        assert card(h, NORTH_DESK, first.id) and card(h, DESK, centre.id)
        assert not about(h, NORTH_DESK, second.id)


@pytest.mark.parametrize(("routes", "districts", "said"), [
    ("district:North-1005550000001", "North", "is not district:<name>=<group id>"),
    ("district:North=5550000001", "North", "is not district:<name>=<group id>"),
    ("town:North=-1005550000001", "North", "is not district:<name>=<group id>"),
    ("district:Nowhere=-1005550000001", "North", "the district 'Nowhere' is not in DISTRICTS"),
    ("district:North=-1005550000001", "", "is not in DISTRICTS (not set)"),
    ("service:cleaning=-1005550000001,service:Cleaning=-1005550000002", "",
     "service:Cleaning is routed twice"),
])
def test_bad_routes_stop_the_bot_with_one_line_naming_the_setting(
        routes: str, districts: str, said: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(bot_token=TOKEN, desk_chat_id=str(DESK), desk_routes=routes,
                      districts=districts, _env_file=None)
    assert str(err.value).startswith("DESK_ROUTES is invalid: ")
    assert said in str(err.value) and "\n" not in str(err.value)


async def test_a_service_the_catalogue_does_not_have_stops_the_bot(db_url: str) -> None:
    with pytest.raises(ConfigError, match=r"^DESK_ROUTES is invalid: there is no service "
                                          r"'plumber' \(the catalogue's: appliances, "):
        async with harness(db_url, desk_routes=f"service:plumber={NORTH_DESK}"):
            pass


class PreflightBot:
    """What the start asks Telegram about each desk group; the routed group does not have the
    bot as an administrator."""

    async def get_me(self) -> User:
        return BOT_USER

    async def get_chat(self, chat_id: int) -> Chat:
        return Chat(id=chat_id, type="supergroup", is_forum=True)

    async def get_chat_member(self, chat_id: int, user_id: int) -> ChatMember:
        if chat_id == DESK:
            return ChatMemberOwner(user=BOT_USER, is_anonymous=False)
        return ChatMemberMember(user=BOT_USER)


async def test_the_start_checks_every_desk_group() -> None:
    settings = load_settings(bot_token=TOKEN, desk_chat_id=str(DESK), districts="North",
                             desk_routes=ROUTES, _env_file=None)
    with pytest.raises(StartupError) as err:
        await check_desk(PreflightBot(), settings)  # type: ignore[arg-type]
    assert str(err.value) == (f"DESK_ROUTES' group {NORTH_DESK}: make the bot an administrator "
                              f"of the desk group with the right to manage topics")
    unrouted = load_settings(bot_token=TOKEN, desk_chat_id=str(DESK), _env_file=None)
    assert await check_desk(PreflightBot(), unrouted) == BOT_USER  # type: ignore[arg-type]


async def test_an_order_of_a_group_no_longer_routed_moves_to_a_new_topic_in_the_default(
        h: Harness) -> None:
    """Topic and message ids are per group: the order of a removed route must never write
    into (or edit) whatever bears the same numbers in the default desk."""
    gone = -1009990000001
    nina, cyril = h.person(107, "Nina"), h.person(108, "Cyril")
    north, centre = await order_in(nina, "North"), await order_in(cyril, "Centre")
    c_card = card(h, DESK, centre)
    async with h.app.ctx.tx() as s:  # as if its group's route had since been removed
        (await s.get(Order, north)).desk_chat_id = gone
    await write_to_desk(h.app.ctx, Actor(107), north, "text", "Anyone there?")
    await h.flush()
    note = h.session.to(DESK)[-1]
    assert note.text.endswith("Anyone there?") and note.thread_id is None  # General
    async with h.app.ctx.tx() as s:
        card_changed(s, h.app.ctx.clock(), north)
    await h.flush()
    moved = card(h, DESK, north)
    assert moved.thread_id not in (None, c_card.thread_id)
    assert (await order_row(h, north)).desk_chat_id is None  # the default desk's now
    assert f"Order #{centre}<" in c_card.text  # the Centre card was not touched
    await h.manager(MANAGER, thread_id=moved.thread_id).send("Yes, Nina")
    assert nina.last().text.endswith("Yes, Nina")
