"""Messages Telegram would refuse as too long are never lost (issue 10): the long words of
users are shortened, ours are kept, and everyone is still told what happened."""

from __future__ import annotations

import re

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.notify.fit import clip_html, fit, tg_len
from bot.notify.render import q
from bot.sandbox.telegram import parse_html, utf16_len
from db.models import Master, OutboxMessage
from tests.flows.test_flows import MANAGER, approved_master, card_of, order_row, place_order
from tests.support.flowkit import DESK, Harness, harness, telegram_length

try:
    from conftest import make_master
except ImportError:  # tests/ became a package
    from tests.conftest import make_master

LONG_NAME = ("Ж😀&<>" * 30)[:128]  # the longest name an application takes


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def failed_rows(h: Harness) -> list[tuple[str, str | None]]:
    async with h.app.ctx.tx() as s:
        return [(r.kind, r.last_error) for r in (await s.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "failed"))).all()]


def fits(text: str, limit: int = 4096) -> bool:
    return telegram_length(text) <= limit


# --- the mechanism ---------------------------------------------------------------------------

def test_the_longest_user_parts_give_way_first_and_no_tag_or_entity_is_cut() -> None:
    text = (f"<b>Order #7</b> · {q('short name')}\nReason: <i>{q('&<>' * 3000)}</i>\n"
            f"Note: {q('😀' * 2000)}\nThe end.")
    sent = fit(text, 4096)
    plain, entities = parse_html(sent)  # still valid HTML
    assert utf16_len(plain) == tg_len(sent) <= 4096
    assert "short name" in plain and plain.endswith("\nThe end.")  # ours and the short kept
    assert [e["type"] for e in entities] == ["bold", "italic"]
    reason = plain.split("Reason: ")[1].split("\n")[0]
    note = plain.split("Note: ")[1].split("\n")[0]
    assert reason.endswith("…") and note.endswith("…")
    assert abs(utf16_len(reason) - utf16_len(note)) <= 2  # cut to the same length
    assert "\ue000" not in sent and "\ue001" not in sent
    assert fit(text.replace("3000", "3"), 4096) == fit(text.replace("3000", "3"), 4096)
    # The last resort: fixed text alone too long is cut between tags, tags closed.
    cut = clip_html("<b>" + "&amp;" * 5000 + "</b>", 1024)
    assert parse_html(cut)[0] == "&" * 1023 + "…" and cut.endswith("</b>")


# --- the cases reproduced on main ------------------------------------------------------------

async def test_a_long_cancel_reason_is_shown_shortened_and_the_order_cancels(h: Harness):
    c = h.person(160, "Vera")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Cancel the order")
    await c.click(c.last(), "Another reason")
    await c.send("Too expensive <really> & " * 170)  # 4,250 characters
    confirm = c.last()
    assert confirm.text.startswith(f"Cancel order #{order_id}? Reason: Too expensive "
                                   "&lt;really&gt; &amp; ")
    assert fits(confirm.text) and confirm.text.endswith("…")
    assert "Something went wrong" not in confirm.text
    await c.click(confirm, "Yes, cancel")
    assert (await order_row(h, order_id)).status == "cancelled"
    assert "Too expensive &lt;really&gt;" in h.session.to(DESK, thread)[-1].text
    assert h.session.refused == [] and await failed_rows(h) == []


async def test_a_long_block_reason_reaches_the_master_and_the_desk(h: Harness) -> None:
    ivan = await approved_master(h, 310, "Ivan Petrov")
    async with h.app.ctx.tx() as s:
        master_id = await s.scalar(select(Master.id).where(Master.user_id == 310))
    reason = ("Rude to clients, <b>twice</b> & late; " * 110)[:4080]  # a full message
    await h.manager(MANAGER).send(f"/block {master_id} {reason}")
    told = h.session.last(DESK).text
    assert told.startswith(f"Master #{master_id} is blocked: Rude to clients, "
                           "&lt;b&gt;twice&lt;/b&gt; &amp; late;") and fits(told)
    got = ivan.last().text
    assert got.startswith("🚫 Your master account is blocked") and fits(got)
    assert "Reason: Rude to clients, &lt;b&gt;twice" in got and got.endswith("…")
    assert h.session.refused == [] and await failed_rows(h) == []


async def test_assign_with_twenty_long_named_candidates(h: Harness) -> None:
    for uid in range(400, 420):
        await make_master(h.app.ctx, uid, name=f"{uid} {LONG_NAME}"[:128])
    c = h.person(161, "Rita")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    why = h.session.to(DESK, thread)[-1]
    assert why.text.startswith(f"<b>Candidates for order #{order_id}</b>, best first:")
    assert fits(why.text) and "\n1. <b>4" in why.text
    assert "… and " in why.text and " more\n" in why.text  # cut by length, and said so
    pick = [b for b in card.buttons() if re.match(r"\d+\. 4\d\d ", b)]
    assert len(pick) == 20  # every candidate can still be picked
    await mgr.press(card, "dpick", 19)
    row = await order_row(h, order_id)
    assert row.status == "offered"
    assert h.session.refused == [] and await failed_rows(h) == []


@pytest.mark.parametrize("kind", ["document", "photo"])
async def test_a_relayed_file_with_a_full_caption_arrives_as_the_file(h: Harness,
                                                                      kind: str) -> None:
    c = h.person(162, "Ж😀&<>" * 12 + "Ola")  # 64 characters: Telegram's longest first name
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Write to the manager")
    caption = "🧾" * 500 + "<receipt>" + "&" * 15  # 1,024 UTF-16 units: a full caption
    assert utf16_len(caption) == 1024
    await (c.document(caption=caption) if kind == "document" else c.photo(caption=caption))
    got = h.session.to(DESK, thread)[-1]
    assert got.method == kind and telegram_length(got.text) <= 1024
    assert got.text.startswith("💬 The client Ж😀&amp;&lt;&gt;") and "\n🧾🧾" in got.text
    assert got.text.endswith("…")
    assert h.session.refused == [] and await failed_rows(h) == []


async def test_a_text_telegram_still_refuses_as_too_long_is_cut_and_sent(h: Harness,
                                                                        monkeypatch) -> None:
    """The last line of defence: should Telegram count differently from us, the sender cuts
    the text once more and sends it, rather than lose the row."""
    c = h.person(163, "Ida")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    real = h.session.make_request
    refused: list[int] = []

    async def picky(bot, method, timeout=None):  # type: ignore[no-untyped-def]
        if isinstance(method, SendMessage) and "«xxxx" in method.text and not refused:
            refused.append(telegram_length(method.text))
            raise TelegramBadRequest(method=method, message="Bad Request: message is too long")
        return await real(bot, method, timeout)

    monkeypatch.setattr(h.session, "make_request", picky)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Write to the manager")
    await c.send("«" + "x" * 3499)
    got = h.session.to(DESK, thread)[-1]
    assert refused and got.text.startswith("💬 The client Ida writes:\n«xxx")
    assert telegram_length(got.text) < refused[0]
    assert await failed_rows(h) == []
