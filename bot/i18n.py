"""gettext with Babel catalogues (locales/<lang>/LC_MESSAGES/messages.po).

Catalogues are compiled from the .po files in memory at start, so a stale .mo can never be
shipped: the .po is the only file there is. `pybabel compile` still works for tools that want
.mo files (they are git-ignored).
"""

from __future__ import annotations

import gettext as _gettext
import io
import re
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from babel.core import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_timedelta,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

from bot.config import LOCALES
from bot.domain.money import Currency, is_whole, to_major
from bot.domain.typed import DateStyle, style_for

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
# Each language in itself: the menu of /language, and the desk's card says what to write in.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "pl": "Polski", "cs": "Čeština",
                  "vi": "Tiếng Việt", "zh": "中文"}


class PoI18n(I18n):
    def find_locales(self) -> dict[str, _gettext.GNUTranslations]:
        out: dict[str, _gettext.GNUTranslations] = {}
        for po in sorted(self.path.glob(f"*/LC_MESSAGES/{self.domain}.po")):
            with po.open("rb") as fp:
                catalog = read_po(fp, locale=po.parent.parent.name)
            buf = io.BytesIO()
            write_mo(buf, catalog, use_fuzzy=False)
            buf.seek(0)
            out[po.parent.parent.name] = _gettext.GNUTranslations(buf)
        return out


def make_i18n(default_locale: str) -> PoI18n:
    return PoI18n(path=LOCALES_DIR, default_locale=default_locale, domain="messages")


def _current() -> I18n:
    return PoI18n.get_current(no_error=False)


def _(message: str) -> str:
    """Translate into the locale of the current context (the user being answered)."""
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current().gettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a message that reads the same in English but means different things: the
    context tells translators which ("❌ Decline" an offered job, or a quote: 拒接 vs 拒绝)."""
    i18n = _current()
    translation = i18n.locales.get(i18n.current_locale)
    return translation.pgettext(context, message) if translation else message


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction; translate it later with _()."""
    return message


def current_locale() -> str:
    return _current().current_locale


def resolve_locale(chosen: str | None, language_code: str | None, default: str) -> str:
    """The user's choice, else Telegram's language (pt-BR → pt), else the default."""
    if chosen in LOCALES:
        return chosen
    if language_code:
        base = language_code.replace("_", "-").split("-")[0].lower()
        if base in LOCALES:
            return base
    return default


def fmt_money(minor: int, cur: Currency) -> str:
    """An amount in minor units for the current locale: "12,50 zł", "1.500.000 ₫". A whole
    amount drops its ",00" ("2 500 ₽", as prices are written), so a typed 2500 is echoed as
    the person wrote it."""
    locale = current_locale()
    value = to_major(minor, cur)
    if not is_whole(minor, cur):
        return format_currency(value, cur.code, locale=locale)
    return format_currency(value, cur.code, format=_whole_pattern(locale), locale=locale,
                           currency_digits=False)


@cache
def _whole_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return re.sub(r"0[.]0+", "0", pattern)  # CLDR writes the decimals as ".00" in patterns


def fmt_number(minor: int, cur: Currency) -> str:
    """The bare number of an amount, as the locale writes it ("1 250,50"), for examples."""
    digits = 0 if is_whole(minor, cur) else cur.digits
    return format_decimal(to_major(minor, cur), format="#,##0." + "0" * digits if digits
                          else "#,##0", locale=current_locale())


def fmt_decimal(value: float) -> str:
    """4.6 → "4.6" in English, "4,6" in Russian."""
    return format_decimal(value, format="0.0", locale=current_locale())


def fmt_percent(percent: int) -> str:
    """30 → "30%" in English, "30 %" in Czech."""
    return format_percent(percent / 100, locale=current_locale())


def _pattern(kind: str) -> str:
    """The locale's way to join a date and a time: "{1}, {0}" in English, "{0} {1}" in
    Vietnamese (the time first)."""
    return str(Locale.parse(current_locale()).datetime_formats[kind])


def fmt_time(value: time | datetime, tz: ZoneInfo | None = None) -> str:
    """A time of day on the 24-hour clock, as the locale writes it ("14:30")."""
    if isinstance(value, datetime):
        return format_skeleton("Hm", value, tzinfo=tz, locale=current_locale())
    return format_skeleton("Hm", datetime.combine(date(2000, 1, 1), value),
                           locale=current_locale())


def fmt_slot(start: time, end: time) -> str:
    """A visit slot as the locale writes a time range ("09:00 – 12:00", "9:00–12:00")."""
    return format_interval(start, end, "Hm", locale=current_locale())


def fmt_date(value: date, year: bool = False) -> str:
    """A date by the locale's CLDR skeletons: near ones with the weekday ("Tue, Mar 2",
    "3月2日周二", "út 2. 3."); with `year` for dates months away such as a warranty's end
    ("Mar 2, 2027", "2027年3月2日")."""
    return format_skeleton("yMMMd" if year else "MMMEd", value, locale=current_locale())


def fmt_day_slot(day: date, start: time, end: time) -> str:
    """A day and a time range joined the locale's way ("Tue, Mar 2, 09:00 – 12:00",
    "09:00–12:00 Thứ 3, 2 thg 3")."""
    return _pattern("medium").format(fmt_slot(start, end), fmt_date(day))


def fmt_datetime(value: datetime, tz: ZoneInfo) -> str:
    """A moment in full, so it can never be read two ways: weekday, day, month name and a
    24-hour time ("Tue, Mar 2, 14:30", "3月2日周二 14:30"); the year when it is not this one."""
    local = value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
    same_year = local.year == datetime.now(tz).year
    day = format_skeleton("MMMEd" if same_year else "yMMMEd", local.date(),
                          locale=current_locale())
    return _pattern("medium").format(fmt_time(local), day)


def fmt_date_full(value: date) -> str:
    """A date spelled out, to echo back what was understood from a typed one
    ("Friday, December 25, 2026", "2026年12月25日星期五")."""
    return format_date(value, format="full", locale=current_locale())


def fmt_datetime_full(value: datetime, tz: ZoneInfo) -> str:
    local = value.astimezone(tz)
    return _pattern("medium").format(fmt_time(local), fmt_date_full(local.date()))


def typing_style(language_code: str | None) -> DateStyle:
    """How the person being answered types dates: his language's order and month names (and
    English ones, which people type everywhere); en-US reads 12/25 month first."""
    return _typing_style(current_locale(), language_code)


@lru_cache(maxsize=256)  # every step of a form asks; the month names are read once a language
def _typing_style(lang: str, language_code: str | None) -> DateStyle:
    months: dict[str, int] = {}
    for name in dict.fromkeys((lang, "en")):  # his own names win
        names = Locale.parse(name).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, word in names[context][width].items():
                    word = str(word).lower().rstrip(".")
                    if word and not any(ch.isdigit() for ch in word):
                        months.setdefault(word, number)
    return style_for(lang, language_code, months)


def fmt_span(delta: timedelta) -> str:
    """A duration in words for the locale: "25 minutes", "25 минут", "25 minut"."""
    return format_timedelta(delta, threshold=1.5, locale=current_locale())
