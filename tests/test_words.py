"""Words that are right in every market (issue 12): one English word with two meanings is two
catalogue entries (message contexts), no rule citations in what people read, one name for the
desk in Chinese, local legal forms and tax ids."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from bot import catalogues
from bot.config import LOCALES
from bot.domain.rules import Actor
from bot.i18n import make_i18n, pgettext
from bot.services.base import Context
from db.models import Order

ROOT = Path(__file__).resolve().parent.parent
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
    from tests.test_pricing import CLIENT, contacted

    order_id, master = await contacted(ctx)
    await send_quote(ctx, master, order_id, Decimal("2000"), "Labour")
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
