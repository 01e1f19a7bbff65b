"""/board (issue 15): a desk member gets the board — in the desk group as the Mini App's link
and the browser address, in his private chat as a Web App button and the chat's menu button;
anyone else gets a refusal and no button."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SetChatMenuButton
from aiogram.types import MenuButtonWebApp

from tests.flows.test_flows import MANAGER
from tests.support.flowkit import DESK, Harness, harness

LINK = "https://t.me/masterdesk_bot/board"
URL = "https://desk.example.com/board"


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with harness(db_url, admin_ids=[MANAGER], board_url=URL,
                       board_app_link=LINK) as h:
        yield h


def menu_buttons(h: Harness) -> list[SetChatMenuButton]:
    return [c for c in h.session.calls if isinstance(c, SetChatMenuButton)]


async def test_in_the_desk_board_answers_with_the_mini_app_link_and_the_address(
        h: Harness) -> None:
    await h.manager(MANAGER).send("/board")
    answer = h.session.last(DESK)
    assert LINK in answer.text and f"{URL}/" in answer.text and answer.markup is None
    assert menu_buttons(h) == []  # no Web App buttons in a group


async def test_in_a_members_private_chat_board_gives_the_web_app_and_the_menu_button(
        h: Harness) -> None:
    mgr = h.person(MANAGER, "Manager")
    await mgr.send("/board")
    answer = mgr.last()
    assert answer.markup is not None
    button = answer.markup.inline_keyboard[0][0]
    assert button.text == "Open the board" and button.web_app is not None
    assert button.web_app.url == f"{URL}/"
    [call] = menu_buttons(h)
    assert call.chat_id == MANAGER and isinstance(call.menu_button, MenuButtonWebApp)
    assert call.menu_button.web_app.url == f"{URL}/"


async def test_a_stranger_gets_no_board(h: Harness) -> None:
    anna = h.person(100, "Anna")
    await anna.send("/board")
    assert "only for the desk’s managers" in anna.last().text
    assert anna.last().markup is None and menu_buttons(h) == []


async def test_a_polish_manager_reads_it_in_polish(h: Harness) -> None:
    mgr = h.person(MANAGER, "Manager", language="pl")
    await mgr.send("/board")
    assert mgr.last().markup is not None
    assert mgr.last().markup.inline_keyboard[0][0].text != "Open the board"


async def test_without_board_url_the_desk_is_told_what_to_set(db_url: str) -> None:
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        await h.manager(MANAGER).send("/board")
        assert "BOARD_URL" in h.session.last(DESK).text


async def test_board_answers_in_a_routed_desk_group_and_to_its_own_admin(db_url: str) -> None:
    """With DESK_ROUTES, every desk group is the desk: /board answers in the routed group, and
    an administrator of that group alone gets the board in his private chat."""
    north, north_admin = -1005550000001, 8
    async with harness(db_url, admin_ids=[MANAGER], board_url=URL, board_app_link=LINK,
                       districts=["Centre", "North"], desk_routes=f"district:North={north}"
                       ) as h:
        h.session.chat_admins = {north: (north_admin,)}
        await h.manager(north_admin, desk=north).send("/board")
        answer = h.session.last(north)
        assert LINK in answer.text and f"{URL}/" in answer.text
        admin = h.person(north_admin, "Nora")
        await admin.send("/board")
        assert admin.last().markup is not None  # the Web App button
        assert [c.chat_id for c in menu_buttons(h)] == [north_admin]
