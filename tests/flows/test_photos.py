"""Photos reach the people who need them (SPEC §2.1, §2.6, §2.7; issue 11): the order's photos
into its topic under the card and to the master once he accepts (never with the offer), the
report's photos to the client with the act and into the topic; a file Telegram lost is told
to the desk once. And an album sent by a person gets one answer, not one per photo."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from db.models import OutboxMessage
from tests.flows.test_flows import MANAGER, approved_master, card_of, order_row
from tests.support.flowkit import DESK, Harness, Person, Sent, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def files_of(sent: list[Sent]) -> list[str]:
    """The file ids of the photos among these messages (albums and lone photos)."""
    out = []
    for m in sent:
        if m.method == "media_photo":
            out.append(m.params["media"])
        elif m.method == "photo":
            out.append(m.params["photo"])
    return out


async def order_with_photos(h: Harness, c: Person, n: int) -> int:
    await c.send("/start")
    await c.click(c.last(), "New order")
    await c.click(c.last(), "Plumbing")
    await c.send("The kitchen tap leaks")
    for _ in range(n):
        await c.photo()
    await c.click(c.last(), "Continue")
    await c.send("Lenina 5, flat 3, Moscow")
    await c.click(c.last(), "Tomorrow")
    await c.press(c.last(), "slot", 2)
    await c.contact("+7 999 000-11-22")
    await c.click(c.last(), "Cash after completion")
    await c.click(c.last(), "Confirm")
    m = re.search(r"#(\d+)", c.last().text)
    assert m, c.last().text
    return int(m.group(1))


async def offer_to(h: Harness, order_id: int, master: Person, name: str) -> Person:
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, name)
    return mgr


async def test_the_topic_gets_the_orders_photos_as_an_album_under_the_card(h: Harness) -> None:
    c = h.person(300, "Anna")
    order_id = await order_with_photos(h, c, 3)
    photos = list((await order_row(h, order_id)).photos)
    assert len(photos) == 3
    thread, card = card_of(h, order_id)
    topic = h.session.to(DESK, thread)
    at = topic.index(card)  # type: ignore[arg-type]
    album = topic[at + 1:at + 4]
    assert [m.method for m in album] == ["media_photo"] * 3
    assert files_of(album) == photos
    assert f"Order #{order_id}: the client's photos of the problem" in album[0].text
    assert [m.text for m in album[1:]] == ["", ""]  # one caption per album


async def test_the_master_gets_the_photos_after_accept_not_with_the_offer(h: Harness) -> None:
    c = h.person(301, "Kira")
    master = await approved_master(h, 400, "Ivan Petrov")
    order_id = await order_with_photos(h, c, 2)
    photos = list((await order_row(h, order_id)).photos)
    before = len(h.session.to(master.id))
    await offer_to(h, order_id, master, "Ivan Petrov")
    offer = master.last()
    assert "New job offer" in offer.text
    assert files_of(h.session.to(master.id)) == []  # the offer shows nothing of the home
    assert len(h.session.to(master.id)) == before + 1
    await master.click(offer, "Accept")
    assert "Lenina 5, flat 3" in offer.text  # the offer became the job
    got = h.session.to(master.id)[before + 1:]
    assert files_of(got) == photos
    assert f"Order #{order_id}: the client's photos of the problem" in got[0].text


async def test_the_report_photos_go_to_the_client_with_the_act_and_to_the_topic(
        h: Harness) -> None:
    c = h.person(302, "Lena")
    master = await approved_master(h, 401, "Oleg")
    order_id = await order_with_photos(h, c, 1)
    thread, _card = card_of(h, order_id)
    await offer_to(h, order_id, master, "Oleg")
    await master.click(master.last(), "Accept")
    await master.click(master.last(), "Done")
    await master.photo()
    await master.photo()
    await master.click(master.last(), "Continue")
    client_before = len(h.session.to(c.id))
    desk_before = len(h.session.to(DESK, thread))
    await master.send("900")
    await master.press(master.last(), "rwar")
    await master.press(master.last(), "rskip")
    shots = list((await order_row(h, order_id)).report_photos)
    assert len(shots) == 2
    to_client = h.session.to(c.id)[client_before:]
    assert files_of(to_client) == shots
    assert "photos of the finished work" in to_client[0].text
    act = to_client[-1]  # the act with the code comes with them, and stays the last message
    assert "work on order" in act.text and re.search(r"<b>\d{6}</b>", act.text)
    assert files_of(h.session.to(DESK, thread)[desk_before:]) == shots


async def test_a_vanished_file_is_told_to_the_desk_once_and_the_row_fails(h: Harness) -> None:
    c = h.person(303, "Maria")
    master = await approved_master(h, 402, "Petr")
    order_id = await order_with_photos(h, c, 2)
    photos = list((await order_row(h, order_id)).photos)
    thread, _card = card_of(h, order_id)
    h.session.lost_files.add(photos[1])  # Telegram forgot the file since the order was placed
    await offer_to(h, order_id, master, "Petr")
    await master.click(master.last(), "Accept")
    assert "Lenina 5, flat 3" in master.last().text  # the job itself is not held back
    assert files_of(h.session.to(master.id)) == []
    async with h.app.ctx.tx() as s:
        rows = (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "album", OutboxMessage.chat_id == master.id))).all()
    assert [(r.status, r.attempts) for r in rows] == [("failed", 1)]
    assert "wrong file identifier" in (rows[0].last_error or "")
    for _ in range(3):  # the sender keeps running: the row is never tried again
        await h.app.sender.run_once()
    told = [m for m in h.session.to(DESK, thread) if "could not be sent to the master" in m.text]
    assert len(told) == 1 and f"order #{order_id}" in told[0].text
    tries = [x for x in h.session.calls if type(x).__name__ == "SendMediaGroup"
             and int(x.chat_id) == master.id]
    assert len(tries) == 1


# --- an album sent by a person gets one answer ------------------------------------------------

async def description_step(c: Person) -> None:
    await c.send("/start")
    await c.click(c.last(), "New order")
    await c.click(c.last(), "Plumbing")
    await c.send("The kitchen tap leaks")


async def test_an_album_of_five_photos_in_the_description_gets_one_answer(h: Harness) -> None:
    c = h.person(310, "Olga")
    await description_step(c)
    before = len(h.session.to(c.id))
    ids = await c.album(5, caption="under the sink")
    answers = h.session.to(c.id)[before:]
    assert len(answers) == 1, [a.text for a in answers]
    assert answers[0].text == "Photos added: 5. Now 5 of 10."
    assert answers[0].buttons() == ["Continue ▶️", "✖️ Cancel"]
    await c.click(answers[0], "Continue")
    assert "Where should the master come?" in c.last().text
    await c.send("Lenina 5, flat 3, Moscow")
    await c.click(c.last(), "Tomorrow")
    await c.press(c.last(), "slot", 2)
    await c.contact("+7 999 000-11-22")
    await c.click(c.last(), "Cash after completion")
    await c.click(c.last(), "Confirm")
    order_id = int(re.search(r"#(\d+)", c.last().text).group(1))  # type: ignore[union-attr]
    order = await order_row(h, order_id)
    assert sorted(order.photos) == sorted(ids)  # every part was stored
    assert order.description == "The kitchen tap leaks\nunder the sink"


async def test_an_album_past_the_limit_is_refused_once_in_the_same_answer(h: Harness) -> None:
    c = h.person(311, "Pavel")
    await description_step(c)
    for _ in range(7):
        await c.photo()
    before = len(h.session.to(c.id))
    await c.album(5)
    answers = h.session.to(c.id)[before:]
    assert [a.text for a in answers] == [
        "You can attach at most 10 photos; the rest were not added.\n"
        "Photos added: 3. Now 10 of 10."]


async def test_the_report_claim_and_documents_steps_answer_an_album_once(h: Harness) -> None:
    c = h.person(312, "Rita")
    master = h.person(403, "Semen")
    await master.send("/become_master")
    await master.send("Semen")
    await master.contact("+48 111 222 333")
    await master.click(master.last(), "Self-employed")
    await master.send("770-708-3893")
    await master.click(master.last(), "Plumbing")
    await master.click(master.last(), "Done")
    before = len(h.session.to(master.id))
    await master.album(3)  # the passport's pages
    answers = h.session.to(master.id)[before:]
    assert [a.text for a in answers] == ["Documents added: 3. Now 3 of 10."]
    await master.click(answers[0], "Continue")
    await master.click(master.last(), "Send to the desk")
    card = next(x for x in reversed(h.session.to(DESK)) if "Master #" in x.text)
    await h.manager(MANAGER).click(card, "Approve")

    order_id = await order_with_photos(h, c, 1)
    await offer_to(h, order_id, master, "Semen")
    await master.click(master.last(), "Accept")
    await master.click(master.last(), "Done")
    before = len(h.session.to(master.id))
    shots = await master.album(4)
    answers = h.session.to(master.id)[before:]
    assert [a.text for a in answers] == ["Photos added: 4. Now 4 of 10."]
    await master.click(answers[0], "Continue")
    await master.send("900")
    await master.press(master.last(), "rwar")
    await master.press(master.last(), "rskip")
    assert sorted((await order_row(h, order_id)).report_photos) == sorted(shots)
    await c.click(c.last(), "Accept the work")
    assert (await order_row(h, order_id)).status == "completed"

    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Report a problem")
    await c.send("The tap leaks again after two days")
    before = len(h.session.to(c.id))
    await c.album(2)
    answers = h.session.to(c.id)[before:]
    assert [a.text for a in answers] == ["Photos added: 2. Now 2 of 10."]
