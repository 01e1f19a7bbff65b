"""The desk board over HTTP (issue 15), against the production wiring with orders placed the
way clients place them: who gets in (a desk member with Telegram's proof; not a forger, not a
stranger), what the pages show (open orders by state, filters, search, an order's timeline
with its deadlines, the charts, the period's CSV), and that the list poll says when nothing
changed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.board.server import mount
from tests.flows.test_flows import MANAGER, approved_master, card_of, place_order
from tests.support.board import PIXEL, init_data, login_fields, serve_files
from tests.support.flowkit import TOKEN, Harness, harness

STRANGER = 555


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with harness(db_url, admin_ids=[MANAGER],
                       board_url="http://127.0.0.1/board") as h:
        yield h


@pytest.fixture
async def client(h: Harness) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    web_app = web.Application()
    mount(web_app, h.app, h.bot)
    async with TestClient(TestServer(web_app)) as c:
        yield c


async def sign_in(client: TestClient[web.Request, web.Application], user_id: int,
                  language: str = "en") -> int:
    r = await client.post("/board/auth", data={
        "init_data": init_data(TOKEN, user_id, language=language)})
    return r.status


async def text(client: TestClient[web.Request, web.Application], path: str,
               status: int = 200) -> str:
    r = await client.get(path)
    assert r.status == status, await r.text()
    return await r.text()


async def test_without_a_session_the_page_signs_in_and_the_poll_is_refused(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    page = await text(client, "/board/")
    assert 'id="sign-in"' in page and 'data-bot="masterdesk_bot"' in page
    assert "Open orders" not in page
    assert (await client.get("/board/rows")).status == 401
    assert (await client.get("/board/figures")).status == 200  # the sign-in page again
    assert "<svg" not in await text(client, "/board/figures")


async def test_a_member_signs_in_a_stranger_and_a_forger_do_not(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    assert await sign_in(client, STRANGER) == 403
    assert "sign-in" in await text(client, "/board/")  # no session was given
    forged = dict(parse_qsl(init_data(TOKEN, STRANGER)))
    forged["user"] = forged["user"].replace(str(STRANGER), str(MANAGER))
    r = await client.post("/board/auth", data={"init_data": urlencode(forged)})
    assert r.status == 401 and "board_session" not in r.cookies
    assert await sign_in(client, MANAGER) == 200
    assert "Open orders" in await text(client, "/board/")


async def test_a_session_cookie_from_elsewhere_is_worthless(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    client.session.cookie_jar.update_cookies({"board_session": f"{MANAGER}.en.9999999999.00"})
    assert "sign-in" in await text(client, "/board/")


async def test_the_login_widget_signs_a_member_in(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    r = await client.get("/board/login", params=login_fields(TOKEN, MANAGER),
                         allow_redirects=False)
    assert r.status == 302 and r.headers["Location"] == "/board/"
    assert r.cookies["board_session"]["httponly"]
    assert "Open orders" in await text(client, "/board/")
    bad = {**login_fields(TOKEN, MANAGER), "first_name": "Eve"}
    assert (await client.get("/board/login", params=bad, allow_redirects=False)).status == 401


async def test_now_shows_open_orders_by_state_and_filters_them(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    anna = await place_order(h, h.person(100, "Anna"))
    boris = await place_order(h, h.person(101, "Boris"), address="Tverskaya 1, Moscow")
    await sign_in(client, MANAGER)
    page = await text(client, "/board/")
    assert f'data-testid="order-{anna}"' in page and f'data-testid="order-{boris}"' in page
    assert 'data-testid="group-submitted"' in page and "New — waiting for a master" in page
    thread, _card = card_of(h, anna)
    assert f"https://t.me/c/1234567890/{thread}" in page  # the order's topic
    assert re.search(r'class="sla ok">on time</span> <span title="[^"]+">due in ', page)
    found = await text(client, "/board/?q=Tverskaya")
    assert f"order-{boris}" in found and f"order-{anna}" not in found
    assert f"order-{anna}" in await text(client, f"/board/?q=%23{anna}")
    assert "No open order matches." in await text(client, "/board/?breached=1")
    assert "No open order matches." in await text(client, "/board/?state=scheduled")
    assert f"order-{anna}" in await text(client, "/board/?state=submitted&service=plumbing")


async def test_the_poll_answers_204_until_the_list_changes(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    await place_order(h, h.person(100, "Anna"))
    await sign_in(client, MANAGER)
    page = await text(client, "/board/")
    version = re.search(r'id="rows" data-version="([^"]+)"', page)
    assert version is not None
    assert (await client.get("/board/rows", params={"v": version.group(1)})).status == 204
    newer = await place_order(h, h.person(101, "Boris"))
    fresh = await text(client, f"/board/rows?v={version.group(1)}")
    assert f"order-{newer}" in fresh and "<header>" not in fresh


async def test_the_order_page_shows_the_facts_and_the_timeline_with_deadlines(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    order_id = await place_order(h, h.person(100, "Anna"), description="Tap <b>leaks</b>")
    await sign_in(client, MANAGER)
    page = await text(client, f"/board/order/{order_id}")
    assert "Tap &lt;b&gt;leaks&lt;/b&gt;" in page and "<b>leaks" not in page
    assert "+79990001122" in page and "Anna" in page
    assert 'data-testid="deadline-triage"' in page
    assert "deadline planned: the desk takes up the order" in page and "(pending)" in page
    assert 'client Anna: <span title="submit">placed the order</span>' in page
    assert f"/board/file/{order_id}/order/0" in page  # the client's photo, through getFile
    await text(client, "/board/order/99999", status=404)


async def test_figures_draw_charts_and_export_the_period(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    order_id = await place_order(h, h.person(100, "Anna"))
    await sign_in(client, MANAGER)
    page = await text(client, "/board/figures")
    charts = re.findall(r"<svg[^>]*>(.*?)</svg>", page, re.S)
    assert len(charts) == 2 and "<rect" in charts[0]  # the day's order, as a bar
    assert "<title>the desk takes up the order: 0</title>" in charts[1]  # no breach yet
    assert page.count("Nothing in this period.") == 2  # no rating, no cancellation
    r = await client.get("/board/export.csv")
    body = (await r.read()).decode("utf-8-sig")
    assert r.status == 200 and f'"{order_id}"' in body and "+7999" not in body
    empty = await (await client.get("/board/export.csv?from=2001-01-01&to=2001-01-31")).read()
    assert f'"{order_id}"' not in empty.decode("utf-8-sig")


async def test_masters_page_lists_the_register_and_the_queue(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    await approved_master(h, 700, "Ivan Petrov")
    await sign_in(client, MANAGER)
    page = await text(client, "/board/masters")
    assert "Ivan Petrov" in page and "Plumbing" in page


async def test_the_board_speaks_the_managers_language(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    await sign_in(client, MANAGER, language="pl")
    page = await text(client, "/board/")
    assert '<html lang="pl">' in page and "Open orders" not in page


async def test_over_https_the_cookie_works_inside_telegrams_frame(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    h.app.settings.board_url = "https://desk.example.com/board"
    r = await client.post("/board/auth", data={"init_data": init_data(TOKEN, MANAGER)})
    cookie = r.cookies["board_session"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "None"


async def test_a_photo_comes_through_getfile_and_only_the_orders_own(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    asked = serve_files(h.session)
    order_id = await place_order(h, h.person(100, "Anna"))
    await sign_in(client, MANAGER)
    r = await client.get(f"/board/file/{order_id}/order/0")
    assert r.status == 200 and await r.read() == PIXEL
    assert len(asked) == 1 and asked[0].startswith("ph")  # the client's photo's file id
    assert (await client.get(f"/board/file/{order_id}/order/1")).status == 404
    assert (await client.get(f"/board/file/{order_id}/passport/0")).status == 404
    assert (await client.get("/board/file/99999/order/0")).status == 404
    assert len(asked) == 1


async def test_only_telegram_may_frame_the_board(
        h: Harness, client: TestClient[web.Request, web.Application]) -> None:
    r = await client.get("/board/")
    policy = r.headers["Content-Security-Policy"]
    assert policy.startswith("frame-ancestors 'self' https://web.telegram.org")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
