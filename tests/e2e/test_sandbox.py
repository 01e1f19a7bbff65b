"""`python -m bot sandbox` starts with no settings and no network, serves its page, and the
bot in it answers a person the way it answers in Telegram."""

from __future__ import annotations

from pathlib import Path

from tests.support.sandbox import get, post, running_sandbox, state, wait_until

CLIENT = 1001


def test_the_sandbox_serves_its_page_and_the_bot_answers(tmp_path: Path) -> None:
    with running_sandbox(tmp_path, "--fresh") as url:
        assert url.startswith("http://127.0.0.1:")
        status, page = get(url)
        assert status == 200 and 'data-phone="desk"' in page
        assert get(url + "static/app.js")[0] == 200
        first = state(url)
        assert {p["phone"] for p in first["people"]} == {"client", "master", "desk"}
        assert post(url, "send", {"user": CLIENT, "text": "/start"})["ok"]
        menu = wait_until(lambda: [m for m in state(url)["chats"][str(CLIENT)]
                                   if m["from_bot"] and "New order" in str(m["markup"])])
        assert "What would you like to do?" in menu[0]["text"]
        refused = post(url, "send", {"user": 999, "text": "hi"})
        assert not refused["ok"] and "unknown person" in refused["error"]
        moved = post(url, "clock", {"hours": 24})
        assert moved["ok"] and state(url)["offset_hours"] == 24
    # its own SQLite file, kept for the next start and removed with --fresh
    assert (tmp_path / "data" / "sandbox.sqlite3").exists()


def test_a_person_added_on_the_page_gets_the_bot_in_his_language(tmp_path: Path) -> None:
    with running_sandbox(tmp_path, "--fresh") as url:
        added = post(url, "person", {"role": "client", "language": "pl"})["result"]
        assert added["phone"] == "client" and added["language"] == "pl"
        post(url, "send", {"user": added["id"], "text": "/start"})
        answer = wait_until(lambda: state(url)["chats"][str(added["id"])][1:])
        assert "Nowe zlecenie" in str(answer[0]["markup"]), answer[0]


def test_fast_forward_fires_each_deadline_at_its_own_time(tmp_path: Path) -> None:
    """--demo has a job accepted and not yet called about: a day ahead, the call reminder
    and then the overdue call reach the master in that order, and the desk's overdue note is
    not "noticed late" as if the bot had been offline."""
    with running_sandbox(tmp_path, "--fresh", "--demo") as url:
        moved = post(url, "clock", {"hours": 24})
        assert moved["ok"] and moved["result"]["fired"] >= 2

        def overdue() -> list[str]:
            return [m["text"] for m in state(url)["desk"]
                    if "Overdue" in (m["text"] or "")]

        notes = wait_until(overdue)
        assert notes and not any("noticed" in n for n in notes)
