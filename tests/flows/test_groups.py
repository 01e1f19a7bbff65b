"""Finding a group's id without third-party bots (issue 10): /id in a group answers its id and
nothing else, and the bot logs the id of a group it is added to."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from aiogram.types import Chat, ChatMemberLeft, ChatMemberMember, ChatMemberUpdated, Update, User

from tests.support.flowkit import BOT_USER, DESK, Harness, Person, harness

OTHER_GROUP = -1005550001112
ANNA = 501


@pytest.fixture
async def h(db_url: str) -> Harness:
    async with harness(db_url) as h:
        yield h


@pytest.mark.parametrize(("language", "text"), [
    ("en", "The id of this group: <code>-1005550001112</code>"),
    ("ru", "Id этой группы: <code>-1005550001112</code>"),
])
async def test_id_in_a_group_answers_its_id_and_nothing_else(h: Harness, language: str,
                                                             text: str) -> None:
    anna = Person(h, ANNA, "Anna", language, chat_id=OTHER_GROUP)
    await anna.send("/id")
    assert [(m.chat_id, m.text) for m in h.session.messages] == [(OTHER_GROUP, text)]


async def test_id_addressed_to_the_bot_by_name_is_answered(h: Harness) -> None:
    await Person(h, ANNA, "Anna", chat_id=OTHER_GROUP).send("/id@masterdesk_bot")
    assert [m.text for m in h.session.to(OTHER_GROUP)] == [
        "The id of this group: <code>-1005550001112</code>"]


async def test_id_in_a_desk_topic_answers_the_desk_id_and_reaches_no_client(h: Harness) -> None:
    await h.manager(7, thread_id=77).send("/id")
    assert [(m.chat_id, m.text) for m in h.session.messages] == [
        (DESK, f"The id of this group: <code>{DESK}</code>")]


async def test_id_in_a_private_chat_says_no_id(h: Harness) -> None:
    await h.person(ANNA, "Anna").send("/id")
    assert all(str(ANNA) not in m.text and "id of this group" not in m.text
               for m in h.session.messages)


async def test_being_added_to_a_group_logs_its_id(h: Harness,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    adder = User(id=ANNA, is_bot=False, first_name="Anna")
    event = ChatMemberUpdated(
        chat=Chat(id=OTHER_GROUP, type="supergroup", title="Anna's private group",
                  is_forum=True),
        from_user=adder, date=datetime.now(UTC),
        old_chat_member=ChatMemberLeft(user=BOT_USER),
        new_chat_member=ChatMemberMember(user=BOT_USER))
    with caplog.at_level(logging.INFO, logger="handlers.groups"):
        await h.feed(Update(update_id=1, my_chat_member=event))
    logged = [r.getMessage() for r in caplog.records if r.name == "handlers.groups"]
    assert logged == [f"added to a supergroup (forum) with the id {OTHER_GROUP} "
                      "(the desk? put it in DESK_CHAT_ID)"]
    assert "Anna" not in logged[0]
    assert h.session.messages == []  # nothing said in the group
