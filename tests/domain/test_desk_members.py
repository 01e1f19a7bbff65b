"""Desk membership fails closed (issue 9, item 14): a removed chat admin keeps no desk powers
while the admin list cannot be refreshed, beyond one extra TTL of grace; ADMIN_IDS always
work."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import GetChatAdministrators
from aiogram.types import User

from bot.desk import DeskMembers

DESK = -100123


def admin(uid: int) -> SimpleNamespace:
    """What DeskMembers reads of a ChatMemberAdministrator."""
    return SimpleNamespace(user=User(id=uid, is_bot=False, first_name="Admin"))


class FakeBot:
    def __init__(self, admins: list[int]) -> None:
        self.admins = admins
        self.down = False
        self.calls = 0

    async def get_chat_administrators(self, chat_id: int) -> list[Any]:
        self.calls += 1
        if self.down:
            raise TelegramAPIError(GetChatAdministrators(chat_id=chat_id), "Bad Gateway")
        return [admin(uid) for uid in self.admins]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr("bot.desk.time.monotonic", c)
    return c


async def test_a_failed_refresh_keeps_the_list_only_through_the_grace_then_fails_closed(
        clock: Clock) -> None:
    bot = FakeBot([7, 8])
    desk = DeskMembers(DESK, [1], ttl=60)
    assert await desk.is_member(bot, 7)  # type: ignore[arg-type]
    bot.down = True
    bot.admins = [8]  # 7 was removed from the chat's admins, but Telegram cannot tell us
    clock.now += 61  # the list expired; the refresh fails: still within the grace
    assert await desk.is_member(bot, 7)  # type: ignore[arg-type]
    clock.now += 60  # two TTLs old: the list is no longer trusted
    assert not await desk.is_member(bot, 7)  # type: ignore[arg-type]
    assert not await desk.is_member(bot, 8)  # type: ignore[arg-type]  # unknown: not a member
    assert await desk.is_member(bot, 1)  # type: ignore[arg-type]  # ADMIN_IDS always work
    bot.down = False
    clock.now += 10
    assert await desk.is_member(bot, 8)  # type: ignore[arg-type]  # back: the fresh list
    assert not await desk.is_member(bot, 7)  # type: ignore[arg-type]


async def test_no_list_ever_loaded_is_no_member_and_failures_are_not_retried_every_update(
        clock: Clock) -> None:
    bot = FakeBot([7])
    bot.down = True
    desk = DeskMembers(DESK, [], ttl=60)
    assert not await desk.is_member(bot, 7)  # type: ignore[arg-type]
    assert not await desk.is_member(bot, 7)  # type: ignore[arg-type]
    assert bot.calls == 1  # Telegram is not asked again on every update while it fails


class GroupsBot(FakeBot):
    def __init__(self, by_chat: dict[int, list[int]]) -> None:
        super().__init__([])
        self.by_chat = by_chat

    async def get_chat_administrators(self, chat_id: int) -> list[Any]:
        self.calls += 1
        return [admin(uid) for uid in self.by_chat.get(chat_id, [])]


async def test_with_several_desk_groups_an_admin_of_any_is_a_member(clock: Clock) -> None:
    """DESK_ROUTES: managers move between groups, so an administrator of any desk group may
    act in every one; an administrator of some other group is nobody."""
    routed = -100456
    bot = GroupsBot({DESK: [7], routed: [8], -100789: [9]})
    desk = DeskMembers(DESK, [], ttl=60, routed=[routed])
    assert desk.is_desk(DESK) and desk.is_desk(routed) and not desk.is_desk(-100789)
    assert await desk.is_member(bot, 7)  # type: ignore[arg-type]
    assert await desk.is_member(bot, 8)  # type: ignore[arg-type]
    assert not await desk.is_member(bot, 9)  # type: ignore[arg-type]
    assert bot.calls == 2  # each group read once, then cached
