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
from bot.i18n import fmt_date, fmt_datetime, fmt_day_slot, fmt_slot, make_i18n

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
