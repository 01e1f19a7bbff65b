"""Words that are right in every market (issue 12): one English word with two meanings is two
catalogue entries (message contexts), no rule citations in what people read, one name for the
desk in Chinese, local legal forms and tax ids."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from pydantic import ValidationError

from bot import catalogues
from bot.config import LOCALES, Settings
from bot.domain.errors import InvalidInput
from bot.domain.masters import check_tax_id, legal_forms_for, tax_id_rule
from bot.domain.rules import Actor
from bot.i18n import make_i18n, pgettext
from bot.notify.render import legal_form_name
from bot.services.base import Context
from db.models import Order

ROOT = Path(__file__).resolve().parents[2]
QUOTE = "a client answers a price quote or an extra"
OFFER = "a master answers a job offered to him"


def catalogue(lang: str):  # type: ignore[no-untyped-def]
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def test_contexts_survive_extraction() -> None:
    """`pgettext` is a keyword of the extractor: each meaning is its own entry, in the
    template and in every catalogue, so a translator sees which Decline he translates."""
    template = catalogues.extract()
    assert template.get("❌ Decline", context=QUOTE) is not None
    assert template.get("❌ Decline", context=OFFER) is not None
    pot = (ROOT / "locales" / "messages.pot").read_text(encoding="utf-8")
    assert f'msgctxt "{QUOTE}"\nmsgid "❌ Decline"' in pot
    for lang in LOCALES:
        cat = catalogue(lang)
        assert cat.get("❌ Decline", context=QUOTE).string  # type: ignore[union-attr]
        assert cat.get("❌ Decline", context=OFFER).string  # type: ignore[union-attr]


def test_pgettext_picks_the_meaning() -> None:
    i18n = make_i18n("en")
    with i18n.context():
        with i18n.use_locale("zh"):
            assert pgettext(QUOTE, "❌ Decline") == "❌ 拒绝"
            assert pgettext(OFFER, "❌ Decline") == "❌ 拒接"
        with i18n.use_locale("en"):
            assert pgettext(QUOTE, "❌ Decline") == "❌ Decline"


async def test_a_chinese_client_declines_a_quote_not_an_order(ctx: Context) -> None:
    """What the zh client and the zh master see on their buttons."""
    from bot.notify.messages import Target, compose
    from bot.notify.render import Renderer
    from bot.services.pricing import send_quote
    from bot.services.views import order_view
    from tests.conftest import outbox
    from tests.flows.test_pricing import CLIENT, contacted

    order_id, master = await contacted(ctx)
    await send_quote(ctx, master, order_id, 200_000, "Labour")  # RUB 2,000 in kopecks
    payload = [b for b in await outbox(ctx) if b[0] == "client_quote"][-1][3]
    async with ctx.tx() as s:
        order = await order_view(s, await s.get(Order, order_id))
    renderer = Renderer(services={"plumbing": {"zh": "水管维修"}}, currency="CNY",
                        tz=ZoneInfo("Asia/Shanghai"))
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale("zh"):
        draft = compose("client_quote", payload, Target(CLIENT, None, "zh", order, False),
                        renderer)
        _text, offer_kb = renderer.offer(order)
    assert draft.markup is not None
    assert [b.text for b in draft.markup.inline_keyboard[0]][-1] == "❌ 拒绝"
    assert [b.text for b in offer_kb.inline_keyboard[0]] == ["✅ 接单", "❌ 拒接"]
    assert isinstance(master, Actor)


# --- texts people read ---------------------------------------------------------------------

CITATION = re.compile(r"§|规则第|\[(?:R|H|C|V|Q|rules|pravidla|regulamin|quy định|правила)\b",
                      re.I)


@pytest.mark.parametrize("lang", LOCALES)
def test_no_rule_citations_in_texts(lang: str) -> None:
    """Spec references ("[rules §1]", "[R §3]") are for developers, not for people."""
    cited = []
    for m in catalogue(lang):
        if not m.id:
            continue
        for text in ((m.id,) if isinstance(m.id, str) else m.id) + (
                (m.string,) if isinstance(m.string, str) else tuple(m.string)):
            if CITATION.search(text):
                cited.append(text)
    assert cited == []


# --- legal forms and tax ids per market ----------------------------------------------------

@pytest.mark.parametrize(("lang", "raw", "clean"), [
    ("ru", "500100732259", "500100732259"), ("ru", "7707083893", "7707083893"),
    ("pl", "123-456-32-18", "1234563218"), ("pl", "PL 1234563218", "PL1234563218"),
    ("cs", "255 96 641", "25596641"), ("cs", "CZ 8001011234", "CZ8001011234"),
    ("vi", "8012345678", "8012345678"), ("vi", "0101245486-001", "0101245486001"),
    ("vi", "001085012345", "001085012345"),  # a CCCD number, a person's tax id since 2025
    ("zh", "91350100M000100Y43", "91350100M000100Y43"),
    ("zh", "11010519491231002x", "11010519491231002X"),  # a 身份证 number
    ("en", "AB123456", "AB123456"),
])
def test_each_market_takes_its_own_tax_id(lang: str, raw: str, clean: str) -> None:
    assert check_tax_id(raw, tax_id_rule(lang)) == clean


@pytest.mark.parametrize(("lang", "raw"), [
    ("ru", "12345678901"), ("pl", "12345"), ("pl", "CZ25596641"),
    ("cs", "7707083893"),  # a Russian INN is no Czech id
    ("cs", "1234567"), ("vi", "12345678901"), ("zh", "7707083893"),
    ("zh", "91350100M000100I43"),  # I is not used in the code
    ("en", "1234567"),
])
def test_a_tax_id_of_another_market_is_refused(lang: str, raw: str) -> None:
    with pytest.raises(InvalidInput) as e:
        check_tax_id(raw, tax_id_rule(lang))
    assert e.value.params == {"example": tax_id_rule(lang).example}


def test_every_market_shows_its_own_example() -> None:
    examples = {lang: tax_id_rule(lang).example for lang in LOCALES}
    assert len(set(examples.values())) == len(LOCALES)
    assert [lang for lang, ex in examples.items() if ex == "7707083893"] == []
    for lang, example in examples.items():  # each example passes its own check
        assert check_tax_id(example, tax_id_rule(lang))


def test_the_setting_overrides_every_language() -> None:
    rule = tax_id_rule("zh", r"\d{10}", "5260250995")
    assert check_tax_id("526-025-09-95", rule) == "5260250995"
    with pytest.raises(InvalidInput) as e:
        check_tax_id("91350100M000100Y43", rule)
    assert e.value.params == {"example": "5260250995"}
    assert tax_id_rule("pl", r"\d{10}").example == tax_id_rule("pl").example


def test_a_broken_pattern_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="tax_id_pattern"):
        Settings(bot_token="123:" + "A" * 30, desk_chat_id=-100, tax_id_pattern="(")


def test_the_two_forms_are_two_different_things_in_every_language() -> None:
    i18n = make_i18n("en")
    with i18n.context():
        for lang in LOCALES:
            with i18n.use_locale(lang):
                names = [legal_form_name(code) for code in legal_forms_for(lang)]
            assert len(set(names)) == len(names), (lang, names)
    assert legal_forms_for("cs") == ("sole_trader",)  # one form in Czech law


@pytest.fixture
async def h(db_url: str):  # type: ignore[no-untyped-def]
    from tests.support.flowkit import harness

    async with harness(db_url, admin_ids=[7]) as h:
        yield h


@pytest.mark.parametrize(("lang", "buttons", "wrong", "right"), [
    ("pl", ["Działalność nierejestrowana", "Jednoosobowa działalność gospodarcza (JDG)",
            "Żadne z powyższych (etat, spółka, inne)"], "12345", "123-456-32-18"),
    ("cs", ["Živnostník (OSVČ)", "Jinak (zaměstnanec, firma, jiné)"], "7707083893",
     "255 96 641"),
    ("vi", ["Lao động tự do", "Hộ kinh doanh cá thể",
            "Không phải hai hình thức trên (làm thuê, công ty, khác)"], "7707083",
     "8012345678"),
])
async def test_onboarding_in_the_markets_terms(  # type: ignore[no-untyped-def]
        h, lang: str, buttons: list[str], wrong: str, right: str) -> None:
    m = h.person(320, "Jan", language=lang)
    await m.send("/become_master")
    await m.send("Jan Novák")
    await m.contact("+420600700800")
    asked = m.last()
    assert [b for b in asked.buttons() if "✖" not in b and "❌" not in b] == buttons
    await m.click(asked, buttons[-2])
    await m.send(wrong)
    assert tax_id_rule(lang).example in m.last().text
    assert "7707083893" not in m.last().text or lang == "ru"
    await m.send(right)
    assert tax_id_rule(lang).example not in m.last().text  # on to the services


def test_polish_masters_give_a_job_back_rather_than_being_fired() -> None:
    """"Zwolnij wykonawcę" reads as firing him; a release is his resignation from one job."""
    texts = [m.string for m in catalogue("pl") if m.id]
    flat = [s for t in texts for s in ((t,) if isinstance(t, str) else t)]
    assert [s for s in flat if re.search(r"zwolni|zwolnie", s, re.I)] == []
    cat = catalogue("pl")
    assert "rezygnac" in cat.get("🙋 Ask to be released").string  # type: ignore[union-attr,operator]
    assert "rezygnac" in cat.get("🙋 Release the master").string  # type: ignore[union-attr,operator]


# Texts only masters read, outside handlers/master/ (errors and outbox messages).
MASTER_TEXTS = ("You have already applied.", "The desk has no open question for you.",
                "❓ The desk has a question about your application", "Your answer has been sent")
CLIENT_TEXTS = ("The desk has blocked new orders from your account",
                "🚫 The desk has blocked new orders from your account")


def _audience(m) -> str | None:  # type: ignore[no-untyped-def]
    text = m.id if isinstance(m.id, str) else m.id[0]
    files = {loc[0] for loc in m.locations}
    if text.startswith(MASTER_TEXTS) or (files and all(f.startswith("handlers/master/")
                                                       for f in files)):
        return "master"
    if text.startswith(CLIENT_TEXTS) or (files and all(
            f.startswith(("handlers/client/", "bot/notify/client_view.py")) for f in files)):
        return "client"
    return None


def test_chinese_names_the_desk_one_way_for_each_reader() -> None:
    """Masters deal with the 调度台 (the desk that dispatches their jobs); clients with 客服.
    One reader never sees both names for the same desk."""
    wrong = []
    for m in catalogue("zh"):
        if not m.id:
            continue
        text = m.string if isinstance(m.string, str) else "".join(m.string)
        audience = _audience(m)
        if ("客服" in text and "调度台" in text) or (audience == "master" and "客服" in text) or (
                audience == "client" and "调度台" in text):
            wrong.append((audience, text))
    assert wrong == []


@pytest.mark.parametrize(("lang", "jargon"), [("cs", "dispeč"), ("vi", "điều phối")])
def test_clients_are_not_told_about_a_dispatch_desk(lang: str, jargon: str) -> None:
    """Clients write to customer support (zákaznická podpora, chăm sóc khách hàng); the
    dispatch desk is the masters' word. Client texts: those of handlers/client/ and the
    client's order view, and those the Chinese catalogue addresses to a client (客服)."""
    zh = {m.id: m for m in catalogue("zh") if m.id}
    found = []
    for m in catalogue(lang):
        if not m.id:
            continue
        z = zh[m.id].string
        if _audience(m) != "client" and "客服" not in (z if isinstance(z, str) else "".join(z)):
            continue
        text = m.string if isinstance(m.string, str) else " ".join(m.string)
        if jargon in text.lower():
            found.append(text)
    assert found == []
