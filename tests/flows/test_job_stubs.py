"""A master who loses a job (blocked, released, taken away) keeps no address or phone of its
client: his job messages are edited down to a stub without buttons; and a job is never sent
to a blocked master, not even by the desk's Resume (issue 9, item 13)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.flows.test_flows import MANAGER, assigned_job, order_row
from tests.flows.test_flows_masters import master_row
from tests.support.flowkit import Harness, Person, Sent, harness

ADDRESS = "Lenina 5"  # place_order's address starts so


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def phone_digits(text: str) -> bool:
    return "999" in text.replace(" ", "").replace("-", "")  # place_order's phone: +7 999 …


def job_messages(h: Harness, master: Person, order_id: int) -> list[Sent]:
    return [m for m in h.session.to(master.id) if f"Order #{order_id}</b>" in m.text
            or ADDRESS in m.text]


def assert_stubbed(messages: list[Sent], order_id: int) -> None:
    for m in messages:
        assert ADDRESS not in m.text and not phone_digits(m.text), m.text
        assert m.buttons() == [], m.buttons()
        assert f"Order #{order_id} is no longer yours" in m.text


async def schedule(h: Harness, master: Person) -> None:
    await master.click(master.last(), "I have called the client")
    await master.click(master.last(), "Set the visit time")
    visit = datetime.now(h.app.renderer.tz) + timedelta(days=1)
    await master.send(visit.strftime("%d.%m %H:%M"))


async def test_a_blocked_masters_job_messages_become_stubs(h: Harness) -> None:
    c = h.person(140, "Nina")
    order_id, ivan, card, thread = await assigned_job(h, c, 340, "Ivan Petrov")
    await schedule(h, ivan)
    shown = job_messages(h, ivan, order_id)
    assert len(shown) >= 2 and all(ADDRESS in m.text for m in shown)
    row = await master_row(h, 340)
    await h.manager(MANAGER).send(f"/block {row.id} No-show twice")
    assert_stubbed(shown, order_id)
    assert "Your master account is blocked" in ivan.last().text
    await h.manager(MANAGER, thread_id=thread).click(card, "Take the job away")
    assert (await order_row(h, order_id)).status == "submitted"
    assert not any(ADDRESS in m.text for m in h.session.to(ivan.id))


async def test_a_released_masters_job_messages_become_stubs(h: Harness) -> None:
    c = h.person(141, "Uliana")
    order_id, vadim, card, thread = await assigned_job(h, c, 341, "Vadim")
    shown = job_messages(h, vadim, order_id)
    assert shown and ADDRESS in shown[0].text
    await vadim.click(shown[0], "Ask to be released")
    await vadim.click(vadim.last(), "Illness")
    await h.manager(MANAGER, thread_id=thread).click(card, "Release the master")
    assert "released you" in vadim.last().text
    assert_stubbed(shown, order_id)


async def test_resume_sends_no_job_to_a_blocked_master(h: Harness) -> None:
    c = h.person(142, "Sofia")
    order_id, timur, card, thread = await assigned_job(h, c, 342, "Timur")
    stop_msg = next(m for m in reversed(h.session.to(c.id)) if "Stop the job" in str(m.buttons()))
    await c.click(stop_msg, "Stop the job")
    await c.click(c.last(), "Yes, stop the job now")
    row = await master_row(h, 342)
    await h.manager(MANAGER).send(f"/block {row.id} Rude to clients")
    before = len(h.session.to(timur.id))
    await h.manager(MANAGER, thread_id=thread).click(card, "Resume the job")
    assert not (await order_row(h, order_id)).stopped
    assert "resumed" in c.last().text
    after = h.session.to(timur.id)[before:]
    assert not any(ADDRESS in m.text or phone_digits(m.text) for m in after)
    assert not any(ADDRESS in m.text for m in h.session.to(timur.id))


async def test_unblocked_with_the_job_still_his_he_gets_it_back(h: Harness) -> None:
    c = h.person(143, "Olga")
    order_id, ivan, _card, _thread = await assigned_job(h, c, 343, "Ivan Petrov")
    shown = job_messages(h, ivan, order_id)
    row = await master_row(h, 343)
    await h.manager(MANAGER).send(f"/block {row.id} Checking a complaint")
    assert_stubbed(shown, order_id)
    await h.manager(MANAGER).send(f"/unblock {row.id}")
    back = ivan.last()
    assert f"You can act on order #{order_id} again" in back.text and ADDRESS in back.text
    assert "I have called the client" in str(back.buttons())
    await h.manager(MANAGER).send(f"/block {row.id} The complaint was true")
    assert_stubbed([back], order_id)  # the job shown again was remembered too


async def test_a_cancelled_order_leaves_no_address_with_its_master(h: Harness) -> None:
    c = h.person(144, "Pavla")
    order_id, olek, card, thread = await assigned_job(h, c, 344, "Olek")
    shown = job_messages(h, olek, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Cancel")
    await mgr.press(card, "dcr", 0)
    assert (await order_row(h, order_id)).status == "cancelled"
    assert "was cancelled" in olek.last().text
    assert_stubbed(shown, order_id)
