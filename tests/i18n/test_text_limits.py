"""Every message kind, in every language, at its longest, fits Telegram's limits as Telegram
measures them (UTF-16 units of the text after HTML parsing: bot/sandbox/telegram/),
with only the users' words shortened: 4096 for a message, 1024 for a caption, 128 for a topic
title, 64 bytes of callback data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot.buttons.base import labelled
from bot.buttons.desk import DeskAction, DeskOffer
from bot.config import LOCALES
from bot.domain.masters import Candidate, Discipline
from bot.domain.pricing import ACCEPTED, DECLINED, EXTRA, PROPOSED, QUOTE, PriceItemView
from bot.domain.states import Status
from bot.domain.views import MasterStats, MasterView, OrderView
from bot.i18n import make_i18n
from bot.notify.client_view import client_view
from bot.notify.fit import fit, fits_fixed, tg_len
from bot.notify.messages import COMPOSERS, DESK_NOTES, Target, compose
from bot.notify.render import Renderer
from bot.sandbox.telegram import parse_html, utf16_len

# Worst cases: astral emoji count 2 UTF-16 units, "&<>" grow 4-5 times when escaped.
NAME = ("Ж😀&<>" * 30)[:128]
LONG = ("слово 😀 &amp; <b> " * 300)[:4096]


def long(n: int) -> str:
    return LONG[:n]


CLIENT, MASTER_USER, DESK_CHAT = 100, 200, -1001
SERVICES = {"plumbing": {lang: "🚿 " + "Сантехника и всё-всё-всё " * 2 for lang in LOCALES}}
DISTRICTS = tuple(long(60) + str(i) for i in range(3))
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def items() -> tuple[PriceItemView, ...]:
    quote = PriceItemView(1, QUOTE, long(200), Decimal("9999999.99"), None, ACCEPTED, NOW)
    extras = tuple(PriceItemView(i + 2, EXTRA, long(200), Decimal("99999.99"), long(500),
                                 (ACCEPTED, DECLINED, PROPOSED)[i % 3], NOW)
                   for i in range(10))
    return (quote, *extras)


def order(status: Status = Status.DISPUTED, **kw: Any) -> OrderView:
    base: dict[str, Any] = dict(
        id=999999999, client_id=CLIENT, service="plumbing", description=long(2000),
        photos=("p",) * 10, address=long(300), latitude=55.7, longitude=37.6,
        area=long(128), urgent=False, surcharge_percent=30, visit_date=date(2026, 12, 31),
        visit_slot="18-21", phone="+" + "9" * 19, payment="transfer", status=status,
        master_id=5, offered_master_id=None, topic_id=77, card_message_id=78,
        reason="other", final_price=Decimal("10999999.99"), report_photos=("r",) * 10,
        code_attempts=5, code_locked=True, created_at=NOW, sla_state="breach",
        visit_at=NOW, checked_in_at=NOW, stopped=True, request="release",
        request_reason="other", client_name=NAME, district=DISTRICTS[0], review_stars=1,
        review_comment=long(1000), client_stars=1, reported_at=NOW, complaint=long(1500),
        complaint_photos=("c",) * 10, resolution="rejected", resolution_note="other",
        refund=Decimal("99999.99"), rework_due=NOW, auto_offer=True, master_blocked=False,
        master_name=NAME, master_user_id=MASTER_USER, price_items=items(),
        warranty_months=12, report_notes=long(800), proposed_visit_at=NOW + timedelta(days=1),
        proposed_by="master", checkin_lat=55.8, checkin_lon=37.7)
    base.update(kw)
    return OrderView(**base)


def master() -> MasterView:
    return MasterView(
        id=999999, user_id=MASTER_USER, name=NAME, phone="+" + "9" * 19, status="approved",
        verified=True, blocked=True, services=("plumbing",) * 5, legal_form="sole_trader",
        tax_id="9" * 20, districts=DISTRICTS, documents=tuple(
            f"document:d{i}:application/pdf:{long(255)}" for i in range(10)),
        photo="ph", block_reason=long(500), question=long(1000), answer=long(1000))


RECORD = Discipline(late_callbacks=99, missed_arrivals=99, releases=99, declined=99)
CANDIDATES = [Candidate(master_id=i, name=NAME, serves_district=False, on_duty=False, load=99,
                        rating=4.99, reviews=999, jobs_done=999, discipline=RECORD,
                        tried=True, offered=99) for i in range(1, 21)]

# Each kind with every switch of its payload; free text at its longest everywhere.
COMMON = dict(reason=LONG, text=LONG, name=NAME, comment=LONG, question=LONG, answer=LONG,
              code="123456", done_at=NOW.isoformat(), at=NOW.isoformat(),
              replaces=NOW.isoformat(), due=NOW.isoformat(), deadline=NOW.isoformat(),
              master=NAME, minutes=999, distance=99999, located=True, stars=1,
              rating=4.99, reviews=999, jobs=999, verified=True, files=["x"] * 10,
              master_id=999999, user_id=999999999, late=99999, amount="99999.99",
              item_id=5, photo="ph")
VARIANTS: dict[str, list[dict[str, Any]]] = {
    "client_blocked": [{"blocked": True}, {"blocked": False}],
    "master_blocked": [{"blocked": True}, {"blocked": False}],
    "client_resolution": [{"decision": d} for d in ("rework", "refund", "rejected")],
    "master_resolution": [{"decision": d} for d in ("rework", "refund", "rejected")],
    "relay": [{"side": s, "kind": k, "file_id": None if k == "text" else "f"}
              for s in ("client", "master") for k in ("text", "photo", "document")],
    "master_decision": [{"approved": True}, {"approved": False}],
    "desk_note": [{"note": n, "by": b} for n in DESK_NOTES for b in ("master", "client")],
    "desk_client_cancelled": [{"note": LONG, "late": True}],
    "desk_sla": [{"kind": k, "auto": a} for k in ("offer", "rework", "triage",
                                                  "callback_reminder", "callback", "arrival",
                                                  "completion") for a in (True, False)],
    "master_sla": [{"kind": k} for k in ("offer", "callback_reminder", "callback",
                                         "visit_reminder", "completion")],
    "client_sla": [{"kind": k} for k in ("visit_reminder", "arrival", "warranty_end",
                                         "review", "confirmation")],
    "visit_proposal": [{"by": b} for b in ("master", "client")],
    "visit_answer": [{"by": b, "accepted": a} for b in ("master", "client")
                     for a in (True, False)],
    "master_request": [{"kind": k, "approved": a} for k in ("extension", "release")
                       for a in (True, False)],
    "desk_review": [{"alert": True}, {"alert": False}],
    "desk_client_rated": [{"alert": True}, {"alert": False}],
    "desk_price": [{"event": e, "item_id": i} for e in (PROPOSED, ACCEPTED, DECLINED)
                   for i in (1, 5)],
    "master_price": [{"item_id": i} for i in (1, 2, 3, 4)],
    "client_extra": [{"item_id": i} for i in (2, 4)],
    "client_quote": [{"item_id": 1}],
}
TARGETS = {"desk": Target(DESK_CHAT, 77, "en", None, True),
           "master": Target(MASTER_USER, None, "en", None, False),
           "client": Target(CLIENT, None, "en", None, False)}


def renderer() -> Renderer:
    return Renderer(services=SERVICES, currency="VND", tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                    districts=DISTRICTS)


def assert_fits(text: str, limit: int, what: str) -> None:
    """What the sender sends (the text fitted) is within the limit as Telegram counts it, the
    HTML still parses, and our own words needed no cut: only the users' were shortened."""
    assert fits_fixed(text, limit), f"{what}: the fixed text alone passes {limit}"
    sent = fit(text, limit)
    plain, _entities = parse_html(sent)
    assert utf16_len(plain) <= limit, f"{what}: {utf16_len(plain)} > {limit}"
    assert tg_len(sent) == utf16_len(plain), what  # we measure as Telegram does


def assert_buttons(markup: InlineKeyboardMarkup | None, what: str) -> None:
    for row in markup.inline_keyboard if markup else []:
        for b in row:
            assert b.callback_data is None or len(b.callback_data.encode()) <= 64, what
            assert 0 < utf16_len(b.text) <= 128, what


@pytest.mark.parametrize("lang", LOCALES)
def test_every_outbox_message_at_its_longest_fits(lang: str) -> None:
    i18n, r = make_i18n("en"), renderer()
    composed: set[str] = set()
    with i18n.context(), i18n.use_locale(lang):
        for kind in COMPOSERS:
            for variant in VARIANTS.get(kind, [{}]):
                for who, t in TARGETS.items():
                    for o in (order(), order(Status.SCHEDULED, stopped=False, request=None),
                              order(Status.ASSIGNED, stopped=False, master_blocked=True)):
                        target = Target(t.chat_id, t.thread_id, lang, o, t.is_desk)
                        try:
                            draft = compose(kind, {**COMMON, **variant}, target, r)
                        except (KeyError, ValueError):
                            continue  # this kind never goes to this reader
                        what = f"{lang} {kind} {variant} to {who}"
                        media = draft.photo or draft.document
                        if draft.document or (draft.photo and kind == "relay"):
                            assert_fits(draft.text, 1024, what + " (caption)")
                        elif media and not fits_fixed(draft.text, 1024):
                            assert_fits(draft.text, 4096, what)  # sent as text
                        else:
                            assert_fits(draft.text, 1024 if media else 4096, what)
                        assert_buttons(draft.markup, what)
                        composed.add(kind)
    assert composed == set(COMPOSERS)


@pytest.mark.parametrize("lang", LOCALES)
def test_cards_and_lists_at_their_longest_fit(lang: str) -> None:
    i18n, r = make_i18n("en"), renderer()
    with i18n.context(), i18n.use_locale(lang):
        for status in Status:
            for kw in ({}, {"stopped": False, "request": "extension"},
                       {"resolution": "refund", "code_locked": False},
                       {"address": None, "master_blocked": True}):
                o = order(status, **kw)
                for what, (text, kb) in (("card", r.card(o)), ("job", r.job(o)),
                                         ("offer", r.offer(o)),
                                         ("client's view", client_view(r, o))):
                    assert_fits(text, 4096, f"{lang} {what} {status}")
                    assert_buttons(kb, f"{lang} {what} {status}")
                # /order N: the topic's line above the card
                assert_fits(r.client_order_line(o) + "\n\n" + r.card(o)[0], 4096, "/order")
                title = r.topic_name(o)
                assert utf16_len(title) <= 128 and title.startswith("🔴 #999999999 "), title
        m, stats = master(), MasterStats(4.99, 999, 999)
        for what, (text, kb) in (("master card", r.master_card(m, stats, RECORD)),
                                 ("profile", r.profile(m, stats, RECORD))):
            assert_fits(text, 4096, f"{lang} {what}")
            assert_buttons(kb, f"{lang} {what}")
        assert_fits(r.master_public(NAME, True, 4.99, 999, 999), 1024, "master's card")
        listed = r.candidates(order(Status.SUBMITTED), CANDIDATES)
        assert_fits(listed, 4096, f"{lang} candidates")
        assert "1. " in listed and "\n…" in listed  # cut by length, with how many are left
        for i, c in enumerate(CANDIDATES, 1):
            assert_buttons(InlineKeyboardMarkup(inline_keyboard=[[
                labelled(r.candidate_button(i, c), DeskOffer(
                    action=DeskAction.OFFER_TO, order_id=999999999, master_id=c.master_id))]]),
                "pick")
