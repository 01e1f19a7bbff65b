"""The gettext catalogues: complete, fresh, and safe to send to Telegram in every language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot import catalogues
from bot.config import LOCALES
from bot.i18n import make_i18n
from bot.sandbox.telegram import EntityParseError, parse_html

ROOT = Path(__file__).resolve().parents[2]
# Reviewed: texts that are the same in another language (numbers, a brand, a time range).
SAME_AS_ENGLISH: set[tuple[str, str]] = {
    ("pl", "Status: <b>{status}</b>"),  # the Polish word is "Status" too
}


def load(lang: str) -> Catalog:
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def entries(cat: Catalog) -> list[Message]:
    return [m for m in cat if m.id]


def forms(m: Message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = m.id if isinstance(m.id, tuple) else (m.id,)
    strs = m.string if isinstance(m.string, tuple) else (m.string,)
    return ids, strs


def fields(text: str) -> list[str]:
    return sorted(f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text)
                  if name is not None)


def has_words(text: str) -> bool:
    """Placeholders, tags and punctuation alone need no translation."""
    return bool(re.search(r"[^\W\d_]", re.sub(r"\{[^}]*\}|<[^>]+>", "", text)))


def test_the_template_and_catalogues_are_fresh() -> None:
    assert catalogues.main(["--check"]) == 0, "run `python -m bot.catalogues`"


@pytest.mark.parametrize("lang", LOCALES)
def test_every_message_is_translated(lang: str) -> None:
    cat = load(lang)
    template = catalogues.extract()
    ids = {m.id for m in entries(cat)}
    assert ids == {m.id for m in entries(template)}
    assert not cat.obsolete
    for m in entries(cat):
        _ids, strs = forms(m)
        assert all(strs) and not m.fuzzy, f"{lang}: untranslated {m.id!r}"


@pytest.mark.parametrize("lang", LOCALES)
def test_placeholders_are_kept(lang: str) -> None:
    for m in entries(load(lang)):
        ids, strs = forms(m)
        for s in strs:
            assert fields(s) == fields(ids[-1]), f"{lang}: {m.id!r} → {s!r}"


@pytest.mark.parametrize("lang", LOCALES)
def test_html_parses_the_way_telegram_parses_it(lang: str) -> None:
    for m in entries(load(lang)):
        _ids, strs = forms(m)
        for s in strs:
            sample = re.sub(r"\{[^}]*\}", "x", s)
            try:
                parse_html(sample, strict_ampersand=False)
            except EntityParseError as exc:
                pytest.fail(f"{lang}: {s!r} does not parse: {exc}")
            assert re.findall(r"</?\w+", s) == re.findall(r"</?\w+", forms(m)[0][0])


@pytest.mark.parametrize("lang", [x for x in LOCALES if x != "en"])
def test_nothing_is_left_in_english(lang: str) -> None:
    left = [m.id for m in entries(load(lang))
            if forms(m)[1][0] == forms(m)[0][0] and (lang, m.id) not in SAME_AS_ENGLISH
            and has_words(forms(m)[0][0])]
    assert left == []


@pytest.mark.parametrize("lang", ["ru", "pl", "cs"])
def test_slavic_plurals_have_three_forms(lang: str) -> None:
    cat = load(lang)
    assert cat.num_plurals == 3
    plural = [m for m in entries(cat) if m.pluralizable]
    assert plural, "no plural message"
    for m in plural:
        assert len(forms(m)[1]) == 3


def test_plural_forms_are_chosen_by_the_languages_rules() -> None:
    i18n = make_i18n("en")
    one, few, many = (i18n.gettext("Wrong code. {n} attempt left.",
                                   "Wrong code. {n} attempts left.", n, locale="ru")
                      for n in (1, 3, 5))
    assert len({one, few, many}) == 3
    assert i18n.gettext("Wrong code. {n} attempt left.", "Wrong code. {n} attempts left.", 21,
                        locale="ru") == one
