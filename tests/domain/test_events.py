"""Typed outbox events (issue 13, point 2): a row stored before the events were typed is read
and composed as the row queued now; a key a payload lacks takes the default the composers
assumed; the envelope alone says where a message goes and when."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.pricing import ACCEPTED
from bot.domain.states import Status
from bot.events import (
    EVENTS,
    Album,
    ClientAssigned,
    ClientCode,
    ClientResolution,
    DeskClientCancelled,
    DeskErased,
    DeskNote,
    DeskOrderEdited,
    DeskPrice,
    DeskSla,
    Event,
    MasterBlocked,
    MasterDecision,
    MasterOrderEdited,
    MasterRequestDecided,
    MasterSla,
    OfferClosed,
    OrderCardChanged,
    Relay,
    To,
    VisitAnswer,
    VisitProposal,
    event_of,
    to_payload,
)
from bot.i18n import make_i18n
from bot.notify.messages import COMPOSERS, Draft, Target, compose, draft
from bot.services.base import outbox_row
from tests.i18n.test_text_limits import CLIENT, DESK_CHAT, MASTER_USER, NOW, order, renderer

AT, LATER = NOW + timedelta(days=1), NOW + timedelta(days=2)
# (kind, the payload as the producers wrote it before the events were typed, the event the
# producers queue now): both must read the same.
STORED: list[tuple[str, dict[str, Any], Event]] = [
    ("desk_note", {"note": "declined"}, DeskNote("declined")),
    ("desk_note", {"note": "offered", "master": "Ivan", "auto": False, "expires": None},
     DeskNote("offered", master="Ivan")),
    ("desk_note", {"note": "offered", "master": "Ivan", "auto": True,
                   "expires": AT.isoformat()},
     DeskNote("offered", master="Ivan", auto=True, expires=AT)),
    ("desk_note", {"note": "on_site", "minutes": 12, "located": True, "distance": 40},
     DeskNote("on_site", minutes=12, located=True, distance=40)),
    ("desk_note", {"note": "visit_proposed", "by": "client", "at": AT.isoformat()},
     DeskNote("visit_proposed", by="client", at=AT)),
    ("desk_note", {"note": "on_site_outside", "minutes": 70, "located": False,
                   "distance": None},
     DeskNote("on_site_outside", minutes=70)),
    ("desk_note", {"note": "ask_release", "reason": "illness"},
     DeskNote("ask_release", reason="illness")),
    ("visit_proposal", {"by": "master", "at": AT.isoformat(), "replaces": LATER.isoformat()},
     VisitProposal(by="master", at=AT, replaces=LATER)),
    ("visit_answer", {"by": "client", "at": AT.isoformat(), "accepted": True},
     VisitAnswer(by="client", at=AT, accepted=True)),
    ("desk_sla", {"auto": True, "master": "Ivan", "kind": "offer", "due": NOW.isoformat(),
                  "late": 600, "deadline": NOW.isoformat()},
     DeskSla(clock="offer", due=NOW, late=600, deadline=NOW, auto=True, master="Ivan")),
    ("desk_sla", {"kind": "callback_reminder", "due": NOW.isoformat(), "late": 0,
                  "deadline": AT.isoformat()},
     DeskSla(clock="callback_reminder", due=NOW, late=0, deadline=AT)),
    ("master_sla", {"kind": "completion", "due": NOW.isoformat(), "late": 0,
                    "deadline": NOW.isoformat()},
     MasterSla(clock="completion", due=NOW, late=0, deadline=NOW)),
    ("master_request", {"kind": "extension", "approved": True, "due": AT.isoformat()},
     MasterRequestDecided(request="extension", approved=True, due=AT)),
    ("client_code", {"code": "123456", "done_at": NOW.isoformat()},
     ClientCode(code="123456", done_at=NOW)),
    ("client_resolution", {"decision": "refund", "due": None, "amount": 150_000,
                           "reason": None},
     ClientResolution(decision="refund", amount=150_000)),
    ("client_resolution", {"decision": "rework", "due": AT.isoformat(), "amount": None,
                           "reason": None},
     ClientResolution(decision="rework", due=AT)),
    ("client_assigned", {"photo": "face-1", "verified": True, "rating": 5.0, "reviews": 1,
                         "jobs": 1},
     ClientAssigned(photo="face-1", verified=True, rating=5.0, reviews=1, jobs=1)),
    ("master_decision", {"master_id": 7, "approved": False, "reason": "tax_id"},
     MasterDecision(master_id=7, approved=False, reason="tax_id")),
    ("master_blocked", {"master_id": 7, "blocked": False},
     MasterBlocked(master_id=7, blocked=False)),
    ("relay", {"side": "client", "kind": "photo", "text": "", "file_id": "f",
               "name": "Anna"},
     Relay(side="client", content="photo", text="", file_id="f", name="Anna")),
    ("relay", {"side": "desk", "kind": "text", "text": "Hi", "file_id": None,
               "to_master": False},
     Relay(side="desk", content="text", text="Hi")),
    ("master_blocked", {"master_id": 7, "blocked": True, "reason": "Rude"},
     MasterBlocked(master_id=7, blocked=True, reason="Rude")),
    ("master_request", {"kind": "release", "approved": True},
     MasterRequestDecided(request="release", approved=True)),
    ("desk_order_edited", {"field": "description", "old": "a", "new": "b", "photos_old": 0,
                           "photos_new": 0},
     DeskOrderEdited(field="description", old="a", new="b")),
    ("master_order_edited", {"field": "address", "old": {"address": "x"},
                             "new": {"address": "y"}, "accepted": False},
     MasterOrderEdited(field="address", old={"address": "x"}, new={"address": "y"})),
    ("album", {"what": "order", "files": ["photo:a"]}, Album("order", ("photo:a",))),
    ("album", {"what": "order", "files": ["photo:a"], "job": True},
     Album("order", ("photo:a",), True)),
    ("desk_client_cancelled", {"reason": "other", "note": "too dear", "late": True},
     DeskClientCancelled(reason="other", note="too dear", late=True)),
    ("desk_order_edited", {"field": "time", "old": {"urgent": True, "percent": 30},
                           "new": {"urgent": False, "percent": 0, "date": "2026-12-31",
                                   "slot": "09-12"}},
     DeskOrderEdited(field="time", old={"urgent": True, "percent": 30},
                     new={"urgent": False, "percent": 0, "date": "2026-12-31",
                          "slot": "09-12"})),
    ("desk_erased", {"user_id": 100, "master_id": None, "orders": [3, 5]},
     DeskErased(user_id=100, orders=(3, 5))),
    ("desk_price", {"item_id": 1, "event": ACCEPTED}, DeskPrice(item_id=1, event=ACCEPTED)),
]


def targets() -> dict[str, Target]:
    o = order(Status.SCHEDULED, stopped=False, request=None, master_blocked=False)
    return {"desk": Target(DESK_CHAT, 77, "en", o, True),
            "master": Target(MASTER_USER, None, "en", o, False),
            "client": Target(CLIENT, None, "en", o, False)}


def composed(make: Any) -> dict[str, Draft | str]:
    """What each reader would be sent (or why not), in English."""
    out: dict[str, Draft | str] = {}
    with make_i18n("en").context():
        for who, t in targets().items():
            try:
                out[who] = make(t)
            except (KeyError, ValueError) as exc:
                out[who] = f"refused: {type(exc).__name__}"
    return out


@pytest.mark.parametrize(("kind", "stored", "event"), STORED,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(STORED)])
def test_a_row_stored_before_the_upgrade_reads_as_one_queued_now(
        kind: str, stored: dict[str, Any], event: Event) -> None:
    assert event.kind == kind
    assert event_of(kind, stored) == event  # parsed, the old row is the event queued now
    assert to_payload(event) == stored  # and the row queued now stores what it stored
    r = renderer()
    old = composed(lambda t: compose(kind, stored, t, r))
    new = composed(lambda t: compose(kind, to_payload(event), t, r))
    assert old == new == composed(lambda t: draft(event, t, r))
    # some reader is sent it (cards and albums the sender draws itself)
    assert any(isinstance(d, Draft) for d in old.values()) == (kind in COMPOSERS)


def test_a_missing_key_takes_the_default_the_composers_assumed() -> None:
    assert event_of("client_assigned", {}) == ClientAssigned(
        photo=None, verified=True, rating=None, reviews=0, jobs=0)
    assert event_of("offer_closed", {}) == OfferClosed(reason="")
    assert event_of("album", {"files": ["photo:a"]}) == Album(None, ("photo:a",), False)
    t = targets()["desk"]
    with make_i18n("en").context():
        note = compose("desk_note", {"note": "on_site"}, t, renderer()).text
    assert note.startswith("📍 The master checked in on site (0 min from the agreed time).")
    assert note.endswith("No location shared (checked in with the button).")


def test_a_row_without_a_key_it_cannot_do_without_is_refused() -> None:
    with pytest.raises(KeyError):
        event_of("desk_note", {})  # which note?
    with pytest.raises(KeyError):
        event_of("no_such_kind", {})
    with make_i18n("en").context(), pytest.raises(KeyError):
        compose("visit_answer", {"by": "client"}, targets()["client"], renderer())


def test_the_exact_words_of_an_old_row() -> None:
    """Anchors: the old payload's ISO times read as times, its "kind" key as the clock."""
    r = renderer()
    with make_i18n("en").context():
        asked = compose("master_request", {"kind": "extension", "approved": False},
                        targets()["master"], r).text
        due = compose("master_sla", {"kind": "offer", "due": NOW.isoformat()},
                      targets()["master"], r).text
    assert asked == "The desk did not extend the time for order #999999999."
    assert due == "⌛ The offer for order #999999999 has expired."


def test_every_kind_has_one_event_and_every_composed_kind_a_composer() -> None:
    delivered = {"order_topic", "order_card", "order_title", "master_card", "master_docs",
                 "album", "job_revoked"}  # the sender acts on these itself
    assert set(COMPOSERS) == set(EVENTS) - delivered
    assert len(EVENTS) == 55


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_no_payload_key_can_reroute_or_delay_a_message(kind: str) -> None:
    keys = {f.metadata.get("payload_key", f.name) for f in fields(EVENTS[kind])}  # type: ignore[arg-type]
    assert not keys & {"chat_id", "order_id", "not_before", "priority"}


def test_the_envelope_alone_routes_and_holds() -> None:
    now = datetime(2026, 12, 1, 22, tzinfo=UTC)
    row = outbox_row(now, Relay(side="client", text="chat_id=1"),
                     To.desk(5, not_before=now + timedelta(hours=10)))
    assert (row["chat_id"], row["order_id"], row["next_attempt_at"]) == (
        None, 5, now + timedelta(hours=10))
    assert outbox_row(now, OrderCardChanged(), To.desk(5))["payload"] == {}
    assert outbox_row(now, DeskNote("stopped"), To.desk(5))["priority"] == 0  # urgent
    assert outbox_row(now, DeskNote("stopped"), To.chat(CLIENT, 5))["priority"] == 1
