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
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from babel.core import Locale
from babel.dates import format_date, format_datetime, format_interval, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

from bot.config import LOCALES
from bot.domain.money import Currency, is_whole, to_major

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
    return PoI18n.get_current(no_error=False)  # type: ignore[return-value]


def _(message: str) -> str:
    """Translate into the locale of the current context (the user being answered)."""
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current().gettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction; translate it later with _()."""
    return message


def current_locale() -> str:
    return _current().current_locale


def resolve_locale(chosen: str | None, language_code: str | None, default: str) -> str:
    """The user's choice, else Telegram's language (pt-BR → pt), else the default."""
    if chosen in LOCALES:
        return chosen  # type: ignore[return-value]
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


def fmt_slot(start: time, end: time) -> str:
    """A visit slot as the locale writes a time range ("09:00–12:00")."""
    return format_interval(start, end, "Hm", locale=current_locale())


def fmt_date(value: date, year: bool = False) -> str:
    """A near date ("Tue 2 Mar"); with `year` the locale's medium form, for dates months
    away such as a warranty's end ("Mar 2, 2027", "2027年3月2日")."""
    return format_date(value, format="medium" if year else "EEE d MMM",
                       locale=current_locale())


def fmt_datetime(value: datetime, tz: ZoneInfo) -> str:
    return format_datetime(value, format="short", tzinfo=tz, locale=current_locale())


def fmt_span(delta: timedelta) -> str:
    """A duration in words for the locale: "25 minutes", "25 минут", "25 minut"."""
    return format_timedelta(delta, threshold=1.5, locale=current_locale())
