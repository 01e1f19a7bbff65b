"""Money: integer minor units of the service's currency, and amounts typed by people.

Why integers: a price is compared with the agreed cap and summed with extras; in minor units
(kopecks, grosze, đồng) that is exact, and the currency's own number of decimals (CLDR: VND 0,
PLN 2) is the only rounding there is.

Why the typing person's locale: `12,500` is twelve thousand five hundred to an English reader
and twelve and a half to a Polish one; `1.500.000` is how a Vietnamese master writes a million
and a half. The locale's own way of writing wins when it gives a sensible amount; when it does
not and another common way does too, both readings go back to the person as a question instead
of a guess (`ask`). Whatever is taken is echoed back in his own format before it counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.core import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from bot.domain.errors import InvalidInput

# The largest price one order may carry, in major units: roughly the same real money in every
# currency (about US$100,000; RUB 10,000,000 was the cap before currencies were told apart).
# MAX_PRICE overrides it; a currency missing here gets FALLBACK_MAX.
DEFAULT_MAX_MAJOR: dict[str, int] = {
    "RUB": 10_000_000, "USD": 100_000, "EUR": 100_000, "GBP": 100_000, "CHF": 100_000,
    "PLN": 500_000, "CZK": 2_500_000, "VND": 2_500_000_000, "CNY": 1_000_000,
    "UAH": 5_000_000, "KZT": 50_000_000, "BYN": 300_000,
}
FALLBACK_MAX = 10_000_000
# A typical job's price, for the examples in prompts ("for example 2500" means little in đồng).
EXAMPLE_MAJOR: dict[str, int] = {
    "RUB": 2_500, "USD": 40, "EUR": 40, "GBP": 30, "PLN": 150, "CZK": 900,
    "VND": 1_000_000, "CNY": 300, "UAH": 1_500,
}
# Ways people write a currency next to a number that CLDR's symbols do not cover.
_ALIASES: dict[str, tuple[str, ...]] = {
    "RUB": ("руб.", "руб", "р.", "р"), "PLN": ("zl",), "CZK": ("kc",),
    "VND": ("đồng", "đ", "vnđ", "dong"), "CNY": ("元", "块"),
}
_SPACES = " \u00a0\u202f\u2009\u2007"  # space, NBSP, narrow NBSP, thin, figure space
_SHAPE = re.compile(r"[0-9][0-9., \u00a0\u202f\u2009\u2007]*")


@dataclass(frozen=True)
class Currency:
    """The service's currency: its code, its minor-unit digits and the cap of one price."""

    code: str
    digits: int
    max_minor: int

    @property
    def scale(self) -> int:
        return 10 ** self.digits


def currency(code: str, max_major: int | None = None) -> Currency:
    code = code.upper()
    digits = get_currency_precision(code)
    cap = max_major if max_major is not None else DEFAULT_MAX_MAJOR.get(code, FALLBACK_MAX)
    return Currency(code, digits, cap * 10 ** digits)


def to_major(minor: int, cur: Currency) -> Decimal:
    """1250 kopecks → Decimal('12.50'); 1500000 đồng → Decimal('1500000')."""
    return Decimal(minor).scaleb(-cur.digits)


def to_minor(value: Decimal, cur: Currency) -> int:
    """An exact amount in minor units; ValueError for a fraction the currency cannot hold."""
    scaled = value.scaleb(cur.digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more decimals than {cur.code}")
    return int(scaled)


def plain(minor: int, cur: Currency) -> str:
    """For the audit and exports: "12.50" in major units, as before minor units (never the
    locale's way, never a float)."""
    return str(to_major(minor, cur))


def is_whole(minor: int, cur: Currency) -> bool:
    return minor % cur.scale == 0


def percent_of(minor: int, percent: int) -> int:
    """`percent` % of an amount, to the nearest minor unit, halves up (ROUND_HALF_UP) — in
    integers, so 30 % of 1 235 is 371 (370.5 up), never 370.49999 by float."""
    sign = -1 if minor < 0 else 1
    return sign * ((abs(minor) * percent * 2 + 100) // 200)


def with_percent(minor: int, percent: int) -> int:
    """An amount plus a surcharge of `percent` % (the urgent one [R §2])."""
    return minor + percent_of(minor, percent)


def round_major(value: Decimal, cur: Currency) -> int:
    """A computed amount to whole minor units, halves up (never used on what people type)."""
    return int(value.scaleb(cur.digits).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def examples(cur: Currency) -> tuple[int, int]:
    """Two amounts to show how to type one, in minor units: a whole one, and one with the
    currency's decimals (or, without decimals, a bigger one that needs grouping)."""
    whole = EXAMPLE_MAJOR.get(cur.code, 2_500) * cur.scale
    if cur.digits:
        return whole, whole // 2 + cur.scale // 2  # 2 500 and 1 250,50
    return whole, whole * 3 // 2  # 1.000.000 and 1.500.000


def check_amount(minor: int, cur: Currency) -> int:
    """More than nothing, at most the currency's cap."""
    if minor <= 0:
        raise InvalidInput("error.price_format")
    if minor > cur.max_minor:
        raise InvalidInput("error.price_range", max=cur.max_minor)
    return minor


# --- amounts typed by people ---------------------------------------------------------------

def _strip_currency(text: str, cur: Currency, locale: str) -> str:
    marks = {cur.code.lower(), *_ALIASES.get(cur.code, ())}
    for loc in (locale, "en"):
        try:
            marks.add(get_currency_symbol(cur.code, locale=loc).lower())
        except UnknownLocaleError:  # pragma: no cover - the bot's locales are all known
            pass
    # Longest first, so "руб." goes before "р." and "р".
    for mark in sorted(marks, key=len, reverse=True):
        if text.lower().startswith(mark):
            text = text[len(mark):].strip()
        if text.lower().endswith(mark):
            text = text[:-len(mark)].strip()
    # "250,-" / "250.–": a whole amount, as Czech and Polish price tags write it.
    return re.sub(r"[.,][-–—]$", "", text).strip()


def _reading(text: str, decimal: str, groups: str) -> tuple[Decimal, int] | None:
    """The amount if `decimal` is the decimal sign and `groups` separate thousands, with the
    number of decimals written; None when the text is not well formed that way. Babel's strict
    parser checks the grouping (thousands, not "12,50" as twelve-fifty)."""
    if any(ch in ".," and ch != decimal and ch not in groups for ch in text):
        return None
    canon = "".join("." if ch == decimal else "," if ch in groups else ch for ch in text)
    if canon.count(".") > 1 or canon.startswith((",", ".")) or canon.endswith((",", ".")):
        return None
    try:
        value = parse_decimal(canon, locale="en", strict=True)
    except (NumberFormatError, InvalidOperation):
        return None
    decimals = len(canon.split(".")[1]) if "." in canon else 0
    return value, decimals


def _own_signs(locale: str) -> tuple[str, str]:
    """The locale's decimal sign and its group signs (any space counts as a group sign: people
    type a plain space where the locale prints NBSP or a narrow NBSP)."""
    loc = Locale.parse(locale)
    decimal = get_decimal_symbol(loc)
    group = get_group_symbol(loc)
    return decimal, _SPACES + ("" if group in _SPACES else group)


def readings(text: str, locale: str, cur: Currency) -> tuple[int, ...]:
    """What a typed amount can mean, in minor units: one reading, or two to ask about (the
    smaller first). Raises InvalidInput when it means nothing sensible (or only something
    above the cap)."""
    clean = _strip_currency(unicodedata.normalize("NFKC", text or "").strip(), cur, locale)
    # NFKC turns NBSP into a plain space and full-width digits into ASCII; the narrow NBSP
    # survives, and all of them are group signs below.
    if not _SHAPE.fullmatch(clean):
        raise InvalidInput("error.price_format")
    clean = re.sub(f"[{_SPACES}]+", " ", clean)
    decimal, groups = _own_signs(locale)
    own = _reading(clean, decimal, groups)
    if own is not None and own[1] <= cur.digits:
        candidates = [own]  # the locale's own way of writing, as it would print it
    else:
        candidates = [r for r in (own, _reading(clean, ",", ". "), _reading(clean, ".", ", "))
                      if r is not None]
    values: list[int] = []
    for value, decimals in candidates:
        if decimals > max(cur.digits, 3):  # 1,5000: no one's way of writing an amount
            continue
        try:
            minor = to_minor(value, cur)
        except ValueError:  # 12,505 as twelve point five-oh-five złoty: not a price
            continue
        if minor not in values:
            values.append(minor)
    if not values:
        raise InvalidInput("error.price_format")
    fitting = sorted(v for v in values if 0 < v <= cur.max_minor)
    if not fitting:
        raise InvalidInput("error.price_range" if max(values) > 0 else "error.price_format",
                           max=cur.max_minor)
    return tuple(fitting)
