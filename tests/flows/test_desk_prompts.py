"""The desk's typed prompts (a question to an applicant, a block reason, a refund) take their
answer only in the topic where they were asked, and only for a while (issue 9, item 5): a
manager's message in another order's topic is a normal message to that order's client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.services.base import utcnow
from tests.flows.test_flows import MANAGER, apply_as_master, approved_master, card_of, place_order
from tests.flows.test_flows_masters import master_card, master_row
from tests.support.flowkit import DESK, Harness, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def desk_key(uid: int = MANAGER) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=DESK, user_id=uid)


async def test_ask_for_more_takes_the_answer_only_in_its_own_thread(h: Harness) -> None:
    applicant = h.person(330, "Jan")
    await apply_as_master(h, applicant, "Jan Novák")
    await applicant.click(applicant.last(), "Send to the desk")
    c = h.person(130, "Lena")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)

    general = h.manager(MANAGER)  # the applicant's card is in General
    await general.click(master_card(h), "Ask for more")
    before = len(h.session.to(applicant.id))
    await h.manager(MANAGER, thread_id=thread).send("The master comes at 9")
    assert c.last().text == f"💬 The desk about order #{order_id}:\nThe master comes at 9"
    assert len(h.session.to(applicant.id)) == before  # nothing went to the applicant

    await general.send("Please send your certificate")  # in the prompt's own thread
    assert "The question has been sent" in h.session.last(DESK).text
    assert "Please send your certificate" in applicant.last().text
    assert await h.app.storage.get_state(desk_key()) is None


async def test_a_block_reason_typed_in_another_topic_is_a_message_to_its_client(
        h: Harness) -> None:
    ivan = await approved_master(h, 331, "Ivan Petrov")
    c = h.person(131, "Nina")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    row = await master_row(h, 331)
    assert row is not None
    await h.manager(MANAGER).click(master_card(h), "Block")
    await h.manager(MANAGER, thread_id=thread).send("No-show twice, sorry")
    assert c.last().text.endswith("No-show twice, sorry")
    assert not (await master_row(h, 331)).blocked
    await h.manager(MANAGER).send("No-show twice")
    assert (await master_row(h, 331)).blocked
    assert "Your master account is blocked" in ivan.last().text


async def test_the_prompt_expires_and_then_consumes_nothing(h: Harness) -> None:
    applicant = h.person(332, "Jan")
    await apply_as_master(h, applicant, "Jan Novák")
    await applicant.click(applicant.last(), "Send to the desk")
    general = h.manager(MANAGER)
    await general.click(master_card(h), "Ask for more")
    assert await h.app.storage.get_state(desk_key()) is not None
    before = len(h.session.to(applicant.id))
    later = utcnow() + timedelta(minutes=11)
    h.app.ctx.clock = lambda: later
    await general.send("Lunch at one, anyone?")  # General chatter, long after the prompt
    assert len(h.session.to(applicant.id)) == before
    assert not any("question has been sent" in m.text for m in h.session.to(DESK))
    assert await h.app.storage.get_state(desk_key()) is None  # the prompt is gone
