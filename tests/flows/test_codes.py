"""Confirmation codes are secrets (issue 9, item 3): the stored hash is keyed with a server
secret (CODE_SECRET, or one generated into the data folder once), and the code leaves the
outbox as soon as its message is delivered or failed."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.code_secret import load_code_secret, read_or_create, secret_file
from bot.config import ConfigError, load_settings
from bot.domain.errors import InvalidInput
from bot.domain.rules import code_matches, hash_code
from bot.services.completion import confirm_with_code, report_completion
from bot.services.offers import accept_offer, offer_order
from db.models import Order, OutboxMessage
from tests.flows.test_flows import MANAGER, assigned_job, file_report, order_row
from tests.flows.test_sender import (
    CLIENT,
    Rig,
    bad_request,
    blocked,
    client_with_order,
    rig_for,
    sends_to,
    text_has,
    timeout,
)
from tests.support.flowkit import TOKEN, Harness, harness

try:
    from conftest import DESK, load_row, make_master, make_order, master_actor, outbox
except ImportError:  # tests/ became a package
    from tests.conftest import DESK, load_row, make_master, make_order, master_actor, outbox

SECRET = b"s" * 32
CODE = re.compile(r"<b>(\d{6})</b>")


def order_keyed(order_id: int, code: str) -> str:
    """What anyone who knows the order number could compute (the scheme before the fix)."""
    return hmac.new(str(order_id).encode(), code.encode(), hashlib.sha256).hexdigest()


async def reported(ctx, client: int = 1001):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, client)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    await report_completion(ctx, master_actor(master), order.id, ["p"], 10_000,
                            warranty_months=3)
    code = next(p["code"] for k, _c, oid, p in await outbox(ctx)
                if k == "client_code" and oid == order.id)
    return order, master, code


# --- the hash ---------------------------------------------------------------------------------

def test_the_hash_depends_on_the_secret_order_and_code() -> None:
    stored = hash_code(SECRET, 42, "123456")
    assert len(stored) <= 64  # the column holds it
    assert code_matches(SECRET, 42, "123456", stored)
    assert not code_matches(b"t" * 32, 42, "123456", stored)  # another server's secret
    assert not code_matches(SECRET, 43, "123456", stored)  # another order
    assert stored != hash_code(b"t" * 32, 42, "123456")
    assert stored != order_keyed(42, "123456")


def test_a_code_issued_before_the_secret_still_verifies() -> None:
    """Orders already awaiting confirmation when the bot is upgraded keep their codes."""
    legacy = order_keyed(42, "123456")
    assert code_matches(SECRET, 42, "123456", legacy)
    assert not code_matches(SECRET, 42, "123457", legacy)


async def test_the_stored_hash_cannot_be_recomputed_from_order_and_code(ctx):
    ctx.policy.code_secret = SECRET
    order, master, code = await reported(ctx)
    row = await load_row(ctx, Order, order.id)
    assert row.code_hash != order_keyed(order.id, code)
    assert row.code_hash != hashlib.sha256(code.encode()).hexdigest()
    assert code not in row.code_hash
    # another server secret: the same code does not match, and it counts as a wrong one
    ctx.policy.code_secret = b"t" * 32
    result = await confirm_with_code(ctx, master_actor(master), order.id, code)
    assert result.completed is False
    ctx.policy.code_secret = SECRET
    result = await confirm_with_code(ctx, master_actor(master), order.id, code)
    assert result.completed is True


async def test_a_code_issued_before_the_upgrade_completes_the_order(ctx):
    order, master, code = await reported(ctx)
    async with ctx.tx() as s:
        await s.execute(update(Order).where(Order.id == order.id)
                        .values(code_hash=order_keyed(order.id, code)))
    result = await confirm_with_code(ctx, master_actor(master), order.id, code)
    assert result.completed is True


# --- the secret -----------------------------------------------------------------------------

def test_the_secret_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "code_secret"
    first = read_or_create(path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_bytes()
    assert read_or_create(path) == first  # reused, not replaced
    assert path.read_bytes() == written
    assert read_or_create(tmp_path / "other" / "code_secret") != first  # random


def test_a_loose_secret_file_is_tightened_and_a_broken_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "code_secret"
    path.write_text("x" * 40 + "\n")
    os.chmod(path, 0o644)
    assert read_or_create(path) == b"x" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("short")
    with pytest.raises(ConfigError, match="code_secret"):
        read_or_create(path)


def test_the_secret_lives_next_to_the_sqlite_file_or_in_data(tmp_path: Path) -> None:
    assert secret_file(f"sqlite+aiosqlite:///{tmp_path}/db/m.sqlite3") == (
        tmp_path / "db" / "code_secret")
    assert secret_file("sqlite+aiosqlite:///./data/masterdesk.sqlite3") == Path(
        "data/code_secret")
    assert secret_file("postgresql+asyncpg://u:p@db:5432/masterdesk") == Path(
        "data/code_secret")


def test_code_secret_setting_wins_and_must_be_long(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/m.sqlite3"
    base = dict(bot_token=TOKEN, desk_chat_id=-1001234567890, database_url=url, _env_file=None)
    settings = load_settings(**base, code_secret="k" * 32)
    assert load_code_secret(settings) == b"k" * 32
    assert not (tmp_path / "code_secret").exists()
    with pytest.raises(ConfigError, match="CODE_SECRET"):
        load_settings(**base, code_secret="too-short")
    generated = load_code_secret(load_settings(**base))
    assert (tmp_path / "code_secret").read_bytes().strip() == generated


# --- the outbox -----------------------------------------------------------------------------

def holds(payload: object, code: str) -> bool:
    return code in json.dumps(payload)


async def all_payloads(h: Harness) -> list[tuple[str, str, dict]]:
    async with h.app.ctx.tx() as s:
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        return [(r.kind, r.status, dict(r.payload or {})) for r in rows]


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_the_code_leaves_the_outbox_once_delivered_and_still_confirms(
        h: Harness, tmp_path: Path, backend: str) -> None:
    c = h.person(140, "Olga")
    order_id, master, _card, _thread = await assigned_job(h, c, 240, "Boris")
    await file_report(master, "900")
    code = CODE.search(c.last().text).group(1)  # type: ignore[union-attr]
    rows = await all_payloads(h)
    assert [k for k, st, _p in rows if k == "client_code" and st == "sent"] == ["client_code"]
    assert [k for k, _st, p in rows if holds(p, code)] == []
    if backend == "sqlite":  # the generated secret next to the database file
        assert stat.S_IMODE((tmp_path / "code_secret").stat().st_mode) == 0o600
    await master.send(code)
    assert "is completed" in master.last().text
    assert (await order_row(h, order_id)).status == "completed"


@pytest.fixture
async def rig(db_url: str) -> AsyncIterator[Rig]:
    async with rig_for(db_url) as r:
        yield r


async def test_a_failed_code_message_is_blanked_a_waiting_one_kept(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    other = await client_with_order(rig, 101, "Boris")
    await client_with_order(rig, 102, "Gleb")
    rig.session.fail(text_has("111111"), bad_request("Bad Request: can't parse"), times=None)
    rig.session.fail(sends_to(102), blocked, times=None)
    rig.session.fail(sends_to(101), timeout, times=None)
    refused = await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111",
                              done_at="2026-03-02T10:00:00+00:00")
    gone = await rig.queue("client_code", chat_id=102, order_id=order_id, code="222222")
    waiting = await rig.queue("client_code", chat_id=101, order_id=other, code="333333")
    await rig.app.sender.run_once()

    for row_id in (refused, gone):
        row = await rig.row(row_id)
        assert row.status == "failed" and "code" not in row.payload
    assert (await rig.row(refused)).payload == {"done_at": "2026-03-02T10:00:00+00:00"}
    row = await rig.row(waiting)
    assert row.status == "pending" and row.payload["code"] == "333333"  # still to deliver
    rig.session.heal()
    rig.advance(10)
    await rig.drain()
    assert rig.codes(101) == ["333333"]
    assert "code" not in (await rig.row(waiting)).payload


# --- what counts as an attempt (issue 9, item 14) ----------------------------------------------

CHATTER = ["client is not home", "ok", "12345", "1234567", "wait", "👍", "code?",
           "call me 555", "123 45", "abc123456"]


def test_only_what_looks_like_a_code_is_one() -> None:
    from bot.domain.rules import code_digits

    for text in ("123456", " 123 456 ", "123-456", "12 34 56", "１２３４５６"):
        assert code_digits(text) == "123456", text
    for text in CHATTER:
        assert code_digits(text) is None, text


async def test_chatter_never_locks_the_order_but_wrong_codes_do(ctx):
    order, master, code = await reported(ctx)
    me = master_actor(master)
    for text in CHATTER:
        with pytest.raises(InvalidInput) as e:
            await confirm_with_code(ctx, me, order.id, text)
        assert e.value.key == "error.code_format"
    row = await load_row(ctx, Order, order.id)
    assert (row.code_attempts, row.code_locked) == (0, False)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    typed = [wrong, f"{wrong[:3]} {wrong[3:]}", f"{wrong[:3]}-{wrong[3:]}", wrong, wrong]
    results = [await confirm_with_code(ctx, me, order.id, t) for t in typed]
    assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
    assert results[-1].locked is True
    row = await load_row(ctx, Order, order.id)
    assert (row.code_attempts, row.code_locked, row.status) == (5, True,
                                                                "awaiting_confirmation")


async def test_the_master_chatting_in_the_code_step_gets_a_hint(h: Harness) -> None:
    c = h.person(141, "Vera")
    order_id, master, _card, thread = await assigned_job(h, c, 241, "Denis")
    await file_report(master, "900")
    code = CODE.search(c.last().text).group(1)  # type: ignore[union-attr]
    for text in ["The client is not home", "ok"] * 5:
        await master.send(text)
        assert master.last().text == ("Type the 6-digit code the client has received. Other "
                                      "messages are not counted as attempts.")
    order = await order_row(h, order_id)
    assert (order.code_attempts, order.code_locked) == (0, False)
    await master.send(f"{code[:3]} {code[3:]}")
    assert "is completed" in master.last().text
