"""Dates and times as each market writes and reads them (issue 12): rendered by the CLDR
skeletons of the reader's locale, typed in the forms people of that locale use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_interval, format_skeleton

from bot.config import LOCALES
from bot.domain.errors import InvalidInput
from bot.domain.typed import DateStyle, parse_date, parse_visit, read_date, read_time
from bot.i18n import fmt_date, fmt_datetime, fmt_day_slot, fmt_slot, make_i18n, typing_style

TZ = ZoneInfo("Europe/Warsaw")
DAY = date(2027, 3, 2)  # a Tuesday
# What the bot printed before: a fixed "EEE d MMM" pattern in every language, and Babel's
# "short" datetime, which reads 3/2/27 as the 3rd of February to most of the world.
BEFORE = {"zh": "周二 2 3月", "cs": "út 2 bře", "vi": "Thứ 3 2 thg 3", "en": "Tue 2 Mar"}
# What people of each market expect to read (CLDR's MMMEd skeleton).
EXPECTED = {"en": "Tue, Mar 2", "ru": "вт, 2 мар.", "pl": "wt., 2 mar", "cs": "út 2. 3.",
            "vi": "Thứ 3, 2 thg 3", "zh": "3月2日周二"}


@pytest.fixture
def in_locale() -> Iterator[object]:
    i18n = make_i18n("en")
    with i18n.context():
        yield i18n


@pytest.mark.parametrize("lang", LOCALES)
def test_a_near_date_follows_the_locales_skeleton(in_locale: object, lang: str) -> None:
    with in_locale.use_locale(lang):  # type: ignore[attr-defined]
        shown = fmt_date(DAY)
        far = fmt_date(DAY, year=True)
    assert shown == format_skeleton("MMMEd", DAY, locale=lang) == EXPECTED[lang]
    assert shown != BEFORE.get(lang)
    assert far == format_skeleton("yMMMd", DAY, locale=lang)
    assert "2027" in far


@pytest.mark.parametrize("lang", LOCALES)
def test_a_time_range_is_cldrs_interval(in_locale: object, lang: str) -> None:
    with in_locale.use_locale(lang):  # type: ignore[attr-defined]
        slot = fmt_slot(time(9), time(12))
        both = fmt_day_slot(DAY, time(9), time(12))
    assert slot == format_interval(time(9), time(12), "Hm", locale=lang)
    pattern = str(Locale.parse(lang).datetime_formats["medium"])
    assert both == pattern.format(slot, format_skeleton("MMMEd", DAY, locale=lang))


@pytest.mark.parametrize("lang", LOCALES)
def test_a_moment_is_never_numeric_only(in_locale: object, lang: str) -> None:
    """A visit or a deadline: weekday, day, month by name and a 24-hour time — never
    "3/2/27, 2:30 PM", which half the world reads as the 3rd of February."""
    moment = datetime(2027, 3, 2, 13, 30, tzinfo=ZoneInfo("UTC"))  # 14:30 in Warsaw
    with in_locale.use_locale(lang):  # type: ignore[attr-defined]
        shown = fmt_datetime(moment, TZ)
    local = moment.astimezone(TZ)
    pattern = str(Locale.parse(lang).datetime_formats["medium"])
    assert shown == pattern.format(format_skeleton("Hm", local, locale=lang),
                                   format_skeleton("yMMMEd", local, locale=lang))
    assert "14:30" in shown and "3/2/27" not in shown and "PM" not in shown


def test_examples_in_each_language(in_locale: object) -> None:
    moment = datetime(2027, 3, 2, 14, 30, tzinfo=TZ)
    seen = {}
    for lang in LOCALES:
        with in_locale.use_locale(lang):  # type: ignore[attr-defined]
            seen[lang] = fmt_datetime(moment, TZ)
    assert seen == {"en": "Tue, Mar 2, 2027, 14:30", "ru": "вт, 2 мар. 2027\u202fг., 14:30",
                    "pl": "wt., 2 mar 2027, 14:30", "cs": "út 2. 3. 2027 14:30",
                    "vi": "14:30 Thứ 3, 2 thg 3, 2027", "zh": "2027年3月2日周二 14:30"}


# --- typed dates and times ----------------------------------------------------------------

TODAY = date(2026, 3, 2)  # a Monday; typed dates may be from tomorrow to 60 days ahead
FORMAT, RANGE = "error.date_format", "error.date_range"


def style(lang: str, code: str | None = None) -> DateStyle:
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale(lang):
        return typing_style(code or lang)


# (language, Telegram language_code): [(typed, the date understood, or the error's key)]
DATES: dict[tuple[str, str], list[tuple[str, date | str]]] = {
    ("en", "en-GB"): [
        ("25.03", date(2026, 3, 25)), ("25/03", date(2026, 3, 25)),
        ("25-03", date(2026, 3, 25)), ("25/03/2026", date(2026, 3, 25)),
        ("25/3/26", date(2026, 3, 25)), ("2026-03-25", date(2026, 3, 25)),
        ("04/03", date(2026, 3, 4)),  # ambiguous: day first, the default for English
        ("3/25", date(2026, 3, 25)),  # no 25th month: the only possible reading
        ("25 March", date(2026, 3, 25)), ("Mar 25", date(2026, 3, 25)),
        ("tomorrow", FORMAT), ("32/03", FORMAT), ("31/04", FORMAT), ("13/13", FORMAT),
        ("1.2.3.4", FORMAT), ("", FORMAT), ("02/03", RANGE), ("01/03/2026", RANGE),
        ("25/12", RANGE),  # more than 60 days ahead
    ],
    ("en", "en-US"): [
        ("03/04", date(2026, 3, 4)),  # month first in the US: March 4
        ("04/03", date(2026, 4, 3)), ("3/25", date(2026, 3, 25)),
        ("25/3", date(2026, 3, 25)),  # no 25th month: the other order
        ("3-25", date(2026, 3, 25)), ("3/25/2026", date(2026, 3, 25)),
        ("March 25", date(2026, 3, 25)), ("2026-04-03", date(2026, 4, 3)),
        ("4/31", FORMAT), ("next friday", FORMAT), ("3/2", RANGE), ("12/25", RANGE),
    ],
    ("ru", "ru"): [
        ("25.03", date(2026, 3, 25)), ("25.03.2026", date(2026, 3, 25)),
        ("25.3.26", date(2026, 3, 25)), ("5.4", date(2026, 4, 5)),
        ("04.03", date(2026, 3, 4)), ("25 марта", date(2026, 3, 25)),
        ("5 апр.", date(2026, 4, 5)), ("2026-03-25", date(2026, 3, 25)),
        ("завтра", FORMAT), ("31.02", FORMAT), ("25.13", FORMAT), ("02.03", RANGE),
    ],
    ("pl", "pl"): [
        ("25.03", date(2026, 3, 25)), ("25.03.2026", date(2026, 3, 25)),
        ("25/03", date(2026, 3, 25)), ("25-03", date(2026, 3, 25)),
        ("4.03", date(2026, 3, 4)), ("25 marca", date(2026, 3, 25)),
        ("3 kwi", date(2026, 4, 3)), ("jutro", FORMAT), ("30.02", FORMAT),
        ("00.03", FORMAT), ("1.03", RANGE),
    ],
    ("cs", "cs-CZ"): [
        ("25. 3.", date(2026, 3, 25)), ("25.3.", date(2026, 3, 25)),
        ("25. 3. 2026", date(2026, 3, 25)), ("25.03", date(2026, 3, 25)),
        ("4. 3.", date(2026, 3, 4)), ("25. března", date(2026, 3, 25)),
        ("3. dubna", date(2026, 4, 3)), ("zítra", FORMAT), ("31. 4.", FORMAT),
        ("25..3", FORMAT), ("2. 3.", RANGE),
    ],
    ("vi", "vi"): [
        ("25/3", date(2026, 3, 25)), ("25/03/2026", date(2026, 3, 25)),
        ("25-3", date(2026, 3, 25)), ("25.3", date(2026, 3, 25)),
        ("4/3", date(2026, 3, 4)), ("ngày 25 tháng 3", date(2026, 3, 25)),
        ("25 tháng 3", date(2026, 3, 25)), ("3 thg 4", date(2026, 4, 3)),
        ("ngày mai", FORMAT), ("31/4", FORMAT), ("ngày 32 tháng 3", FORMAT), ("1/3", RANGE),
    ],
    ("zh", "zh-hans"): [
        ("3月25日", date(2026, 3, 25)), ("2026年3月25日", date(2026, 3, 25)),
        ("3月25号", date(2026, 3, 25)), ("３月２５日", date(2026, 3, 25)),
        ("3/25", date(2026, 3, 25)), ("3-25", date(2026, 3, 25)),
        ("4/3", date(2026, 4, 3)),  # month first in Chinese: April 3
        ("25/3", date(2026, 3, 25)), ("2026-03-25", date(2026, 3, 25)),
        ("明天", FORMAT), ("2月30日", FORMAT), ("13月1日", FORMAT), ("3月2日", RANGE),
    ],
}


@pytest.mark.parametrize(("lang", "code", "typed", "expected"), [
    (lang, code, typed, expected) for (lang, code), rows in DATES.items()
    for typed, expected in rows])
def test_a_typed_date_is_read_the_markets_way(lang: str, code: str, typed: str,
                                               expected: date | str) -> None:
    if isinstance(expected, date):
        assert parse_date(typed, TODAY, style(lang, code)) == expected
        return
    with pytest.raises(InvalidInput) as e:
        parse_date(typed, TODAY, style(lang, code))
    assert e.value.key == expected


@pytest.mark.parametrize("key", sorted(DATES))
def test_every_language_has_a_full_table(key: tuple[str, str]) -> None:
    rows = DATES[key]
    assert len(rows) >= 10 or key == ("en", "en-US")
    assert any(isinstance(v, str) for _t, v in rows) and any(isinstance(v, date) for _t, v in rows)


def test_the_example_shown_is_the_markets_form() -> None:
    assert {k: style(*k).date_example() for k in DATES} == {
        ("en", "en-GB"): "25/12", ("en", "en-US"): "12/25", ("ru", "ru"): "25.12",
        ("pl", "pl"): "25.12", ("cs", "cs-CZ"): "25.12", ("vi", "vi"): "25/12",
        ("zh", "zh-hans"): "12月25日"}
    assert style("en", "en-US").visit_example() == "12/25 2:30 pm"
    for key in DATES:  # every example reads back as the 25th of December
        assert read_date(style(*key).date_example(), date(2026, 12, 1),
                         style(*key)) == date(2026, 12, 25)


def test_the_format_error_carries_the_example() -> None:
    with pytest.raises(InvalidInput) as e:
        parse_date("someday", TODAY, style("zh"))
    assert e.value.params == {"example": "12月25日"}


@pytest.mark.parametrize(("typed", "expected"), [
    ("14:30", time(14, 30)), ("14.30", time(14, 30)), ("14h30", time(14, 30)),
    ("14h", time(14, 0)), ("9:05", time(9, 5)), ("2:30 pm", time(14, 30)),
    ("2:30PM", time(14, 30)), ("2 p.m.", time(14, 0)), ("12 am", time(0, 0)),
    ("12 pm", time(12, 0)), ("9 am", time(9, 0)), ("14 giờ 30", time(14, 30)),
    ("2:30 ch", time(14, 30)), ("下午2点半", time(14, 30)), ("14点30分", time(14, 30)),
    ("上午9点", time(9, 0)), ("１４：３０", time(14, 30)),
    ("25:00", None), ("14", None), ("14:75", None), ("13 pm", None), ("abc", None),
    ("14.", None), ("", None), ("0 am", None),
])
def test_a_typed_time(typed: str, expected: time | None) -> None:
    if expected is None:
        with pytest.raises(ValueError):
            read_time(typed)
    else:
        assert read_time(typed) == expected


NOW = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize(("lang", "code", "typed", "expected"), [
    ("en", "en", "14:30", datetime(2026, 3, 2, 14, 30)),
    ("en", "en", "2:30 pm", datetime(2026, 3, 2, 14, 30)),
    ("en", "en", "05/03 2:30 pm", datetime(2026, 3, 5, 14, 30)),
    ("en", "en-US", "03/05 2:30 pm", datetime(2026, 3, 5, 14, 30)),
    ("en", "en", "Mar 5 at 9:00", datetime(2026, 3, 5, 9, 0)),
    ("ru", "ru", "05.03 09:00", datetime(2026, 3, 5, 9, 0)),
    ("ru", "ru", "5 марта в 9:00", datetime(2026, 3, 5, 9, 0)),
    ("pl", "pl", "05.03, 14.30", datetime(2026, 3, 5, 14, 30)),
    ("pl", "pl", "5 marca o 14:30", datetime(2026, 3, 5, 14, 30)),
    ("cs", "cs", "5. 3. 14.30", datetime(2026, 3, 5, 14, 30)),
    ("cs", "cs", "5. 3. v 9:00", datetime(2026, 3, 5, 9, 0)),
    ("vi", "vi", "14h30 05/03", datetime(2026, 3, 5, 14, 30)),
    ("vi", "vi", "14h30 ngày 5 tháng 3", datetime(2026, 3, 5, 14, 30)),
    ("zh", "zh", "3月5日 下午2点半", datetime(2026, 3, 5, 14, 30)),
    ("zh", "zh", "3月5日14:30", datetime(2026, 3, 5, 14, 30)),
    ("zh", "zh", "3/5 14:30", datetime(2026, 3, 5, 14, 30)),
])
def test_a_typed_visit(lang: str, code: str, typed: str, expected: datetime) -> None:
    assert parse_visit(typed, NOW, style(lang, code)) == expected.replace(tzinfo=TZ)


@pytest.mark.parametrize(("typed", "key"), [
    ("09:00", "error.visit_range"),  # earlier today
    ("05.05 10:00", "error.visit_range"),  # more than 30 days ahead
    ("tomorrow", "error.visit_format"), ("31.02 10:00", "error.visit_format"),
    ("25:00", "error.visit_format"), ("25.03", "error.visit_format"),  # a date, no time
    ("14", "error.visit_format"), ("", "error.visit_format"),
])
def test_a_typed_visit_refused(typed: str, key: str) -> None:
    with pytest.raises(InvalidInput) as e:
        parse_visit(typed, NOW, style("ru"))
    assert e.value.key == key


# --- in the conversation ------------------------------------------------------------------

@pytest.fixture
async def h(db_url: str):  # type: ignore[no-untyped-def]
    from tests.support.flowkit import harness

    async with harness(db_url, admin_ids=[7]) as h:
        yield h


@pytest.mark.parametrize(("code", "lang", "typed", "echo"), [
    ("en-US", "en", "{m}/{d}", "📅 Date: "),
    ("en-GB", "en", "{d}/{m}", "📅 Date: "),
    ("zh-hans", "zh", "{m}月{d}日", "📅 日期："),
    ("cs", "cs", "{d}. {m}.", "📅 Datum: "),
])
async def test_the_typed_date_is_echoed_in_full(  # type: ignore[no-untyped-def]
        h, code: str, lang: str, typed: str, echo: str) -> None:
    from datetime import timedelta

    from babel.dates import format_date

    from tests.flows.test_flows import _key

    c = h.person(150, "Ada", language=code)
    await c.send("/new")
    await c.press(c.last(), "svc", 0)
    await c.send("Assemble a wardrobe")
    await c.press(c.last(), "next")
    await c.send("Lenina 5, Moscow")
    await c.press(c.last(), "tk", 3)  # another date
    example = {"en-US": "12/25", "en-GB": "25/12", "zh-hans": "12月25日", "cs": "25.12"}[code]
    assert example in c.last().text
    day = datetime.now(h.app.renderer.tz).date() + timedelta(days=10)
    await c.send(typed.format(d=day.day, m=day.month))
    said = [m.text for m in h.session.to(150)[-2:]]
    assert said[0] == echo + format_date(day, format="full", locale=lang)
    assert (await h.app.storage.get_data(_key(h, c)))["draft"]["visit_date"] == day.isoformat()
