"""A whole order in each of the six languages: every message a person receives is in *their*
language — the client's from Telegram's language_code, the master's own, the desk's setting."""

from __future__ import annotations

import re

import pytest

from bot.domain.masters import tax_id_rule
from tests.support.flowkit import DESK, Harness, Person, Sent, harness

MANAGER = 7
SCRIPT = {
    "ru": re.compile(r"[А-Яа-яЁё]"),
    "zh": re.compile(r"[\u4e00-\u9fff]"),
    "vi": re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I),
    "pl": re.compile(r"[ąćęłńóśźż]", re.I),
    "cs": re.compile(r"[áčďéěíňóřšťúůýž]", re.I),
}
ENGLISH = re.compile(r"\b(the|your|order|please|master|choose|press|send|with|you)\b", re.I)
# Telegram language codes as clients send them, regional variants included.
CODES = {"en": "en-GB", "ru": "ru", "pl": "pl", "cs": "cs-CZ", "vi": "vi", "zh": "zh-hans"}
MASTER_LANG = {"en": "zh", "ru": "pl", "pl": "cs", "cs": "vi", "vi": "ru", "zh": "en"}


def visible(m: Sent) -> str:
    text = re.sub(r"<[^>]+>", "", m.text)
    # What the user typed and the numbers are not the bot's language.
    return re.sub(r"Lenina 5[^\n]*|XQZ-1 ~~ XQZ-2|Ivan Petrov|Anna|\+\d+|#\d+|\d[\d:–.,\s]*",
                  " ", text)


def assert_language(messages: list[Sent], lang: str) -> None:
    assert messages
    for m in messages:
        text = visible(m)
        if lang == "en":
            assert not any(SCRIPT[x].search(text) for x in ("ru", "zh")), m.text
            continue
        english = ENGLISH.findall(text)
        assert not english, f"{lang}: English {english} in {m.text!r}"
        if lang in ("ru", "zh", "vi"):
            assert SCRIPT[lang].search(text), f"{lang}: {m.text!r}"


async def order(h: Harness, c: Person) -> int:
    await c.send("/start")
    await c.press(c.last(), "new")
    await c.press(c.last(), "svc", 0)
    await c.send("XQZ-1 ~~ XQZ-2")
    await c.photo()
    await c.press(c.last(), "next")
    await c.send("Lenina 5, flat 3, Moscow")
    await c.press(c.last(), "tk", 2)  # tomorrow
    await c.press(c.last(), "slot", 1)
    await c.send("12345")  # a typed number: refused, in the client's language
    await c.contact("+48500600700")
    await c.press(c.last(), "pay", 0)
    await c.press(c.last(), "ok")
    return int(re.search(r"(\d+)", c.last().text).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["en", "ru", "pl", "cs", "vi", "zh"])
async def test_everyone_hears_their_own_language(db_url: str, lang: str) -> None:
    desk_lang = MASTER_LANG[MASTER_LANG[lang]]
    async with harness(db_url, admin_ids=[MANAGER], desk_locale=desk_lang) as h:
        master = h.person(300, "Ivan Petrov", MASTER_LANG[lang])
        await master.send("/become_master")
        await master.send("Ivan Petrov")
        await master.contact("+48111222333")
        await master.press(master.last(), "mlf", 0)  # the first form his market offers
        await master.send("12")  # a bad tax id: refused in the master's language
        await master.send(tax_id_rule(MASTER_LANG[lang]).example)  # his market's own id
        await master.press(master.last(), "msvc", 0)
        await master.press(master.last(), "mdone")
        await master.photo()
        await master.press(master.last(), "mdocs")
        await master.press(master.last(), "msend")
        mgr = h.manager(MANAGER)
        card = next(m for m in reversed(h.session.to(DESK)) if m.markup is not None)
        await mgr.press(card, "mapp")

        client = Person(h, 100, "Anna", CODES[lang])
        order_id = await order(h, client)
        card = next(m for m in h.session.to(DESK) if m.thread_id)
        mgr.thread_id = card.thread_id
        await mgr.press(card, "dasg")
        await mgr.press(card, "dpick")
        await master.press(master.last(), "acc")
        await master.press(master.last(), "done")
        await master.photo()
        await master.press(master.last(), "rnext")
        await master.send("abc")  # refused in the master's language
        await master.send("1500")
        await master.press(master.last(), "rwar", 2)
        await master.send("XQZ-1 ~~ XQZ-2")  # the notes: typed, not the bot's language
        code = re.search(r"<b>(\d{6})</b>", client.last().text).group(1)  # type: ignore
        await master.send("000000" if code != "000000" else "111111")
        await master.send(code)
        assert order_id == 1

        assert_language(h.session.to(client.id), lang)
        assert_language(h.session.to(master.id), MASTER_LANG[lang])
        assert_language(h.session.to(DESK), desk_lang)
        assert len(h.session.to(client.id)) >= 14
