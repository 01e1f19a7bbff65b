"""Amounts typed by people in each market, and money arithmetic in minor units (issue 12)."""

from __future__ import annotations

import functools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.money import (
    Currency,
    currency,
    percent_of,
    readings,
    round_major,
    to_major,
    to_minor,
    with_percent,
)
from bot.domain.pricing import (
    ACCEPTED,
    DECLINED,
    EXTRA,
    PROPOSED,
    QUOTE,
    WITHDRAWN,
    PriceItemView,
    check_final_price,
    price_cap,
)

FORMAT, RANGE = "error.price_format", "error.price_range"
NBSP, NNBSP = "\u00a0", "\u202f"

# (text, expected): a tuple of readings in minor units (two: ask back), or the error key.
TABLES: dict[tuple[str, str], list[tuple[str, tuple[int, ...] | str]]] = {
    ("en", "USD"): [
        ("12,500", (1_250_000,)),  # twelve thousand five hundred, as English writes it
        ("12.50", (1_250,)),
        ("1,500.50", (150_050,)),
        ("2500", (250_000,)),
        ("$12.50", (1_250,)),
        ("12.50 USD", (1_250,)),
        ("1.500", (150, 150_000)),  # 1.50, or 1,500 written the European way: ask
        ("12,50", (1_250,)),  # only a decimal comma makes sense of it
        ("1 500", (150_000,)),
        ("１２３", (12_300,)),  # full-width digits from a CJK keyboard
        ("12.505", (1_250_500,)),  # 12.505 dollars cannot be; 12 505 can
        ("1.5000", FORMAT),
        ("12.5.5", FORMAT),
        ("-5", FORMAT),
        ("1e5", FORMAT),
        ("NaN", FORMAT),
        ("0", FORMAT),
        ("twelve", FORMAT),
        ("", FORMAT),
        ("100001", RANGE),
    ],
    ("ru", "RUB"): [
        ("2500", (250_000,)),
        ("1 250,50", (125_050,)),
        (f"1{NBSP}250,50", (125_050,)),
        (f"1{NNBSP}500", (150_000,)),
        ("12.50", (1_250,)),  # a decimal point on a Russian keyboard's number pad
        ("2 500 ₽", (250_000,)),
        ("2500 руб.", (250_000,)),
        ("12,5", (1_250,)),
        ("1.500", (150, 150_000)),
        ("12,500", (1_250, 1_250_000)),
        ("12 50", FORMAT),
        ("две тысячи", FORMAT),
        ("10000001", RANGE),
    ],
    ("pl", "PLN"): [
        ("12,50", (1_250,)),
        ("12,50 zł", (1_250,)),
        ("12 500,50", (1_250_050,)),
        (f"12{NBSP}500", (1_250_000,)),
        ("250,-", (25_000,)),
        ("1.500,50", (150_050,)),
        ("1500.5", (150_050,)),
        ("12,500", (1_250, 1_250_000)),  # decimal comma, three decimals: ask
        ("1.500", (150, 150_000)),
        ("12,5,0", FORMAT),
        ("abc", FORMAT),
        ("0,00", FORMAT),
        ("600000", RANGE),
    ],
    ("cs", "CZK"): [
        ("1 500,-", (150_000,)),
        ("2 500 Kč", (250_000,)),
        ("2500 CZK", (250_000,)),
        ("99,90", (9_990,)),
        (f"1{NBSP}234,5", (123_450,)),
        ("12,500", (1_250, 1_250_000)),
        ("1.500", (150, 150_000)),
        ("1.234.567", (123_456_700,)),
        ("12..5", FORMAT),
        ("pět set", FORMAT),
        ("3000000", RANGE),
    ],
    ("vi", "VND"): [
        ("1.500.000", (1_500_000,)),
        ("1 500 000", (1_500_000,)),
        ("1500000", (1_500_000,)),
        ("1.500.000đ", (1_500_000,)),
        ("1.500.000 ₫", (1_500_000,)),
        ("1.500", (1_500,)),
        ("12,500", (12_500,)),  # 12.5 đồng cannot be: only the thousands reading is left
        ("1,5", FORMAT),  # đồng have no decimals
        ("12.5", FORMAT),
        ("một triệu", FORMAT),
        ("3.000.000.000", RANGE),
    ],
    ("zh", "CNY"): [
        ("1,500", (150_000,)),
        ("1500.50", (150_050,)),
        ("¥200", (20_000,)),
        ("200元", (20_000,)),
        ("２００", (20_000,)),
        ("12,50", (1_250,)),
        ("1.500", (150, 150_000)),
        ("1,50,0", FORMAT),
        ("两百", FORMAT),
        ("2000000", RANGE),
        ("", FORMAT),
    ],
}
CASES = [(loc, cur, text, want) for (loc, cur), rows in TABLES.items() for text, want in rows]


def test_each_locale_has_a_table() -> None:
    assert {loc for loc, _ in TABLES} == {"en", "ru", "pl", "cs", "vi", "zh"}
    assert all(len(rows) >= 10 for rows in TABLES.values())


@pytest.mark.parametrize(("locale", "code", "text", "want"), CASES)
def test_typed_amounts(locale: str, code: str, text: str, want: tuple[int, ...] | str) -> None:
    cur = currency(code)
    if isinstance(want, str):
        with pytest.raises(InvalidInput) as err:
            readings(text, locale, cur)
        assert err.value.key == want
    else:
        assert readings(text, locale, cur) == want


def test_currency_digits_and_caps_come_from_cldr_and_the_table() -> None:
    assert currency("VND") == Currency("VND", 0, 2_500_000_000)
    assert currency("pln") == Currency("PLN", 2, 50_000_000)
    assert currency("RUB").max_minor == 1_000_000_000  # the old 10,000,000 cap
    assert currency("EUR", max_major=500).max_minor == 50_000  # MAX_PRICE overrides
    assert currency("XAF").digits == 0  # CLDR knows currencies the table does not


def test_minor_units_round_trip() -> None:
    rub, vnd = currency("RUB"), currency("VND")
    assert to_major(1250, rub) == Decimal("12.50")
    assert to_minor(Decimal("12.5"), rub) == 1250
    assert to_major(1_500_000, vnd) == Decimal("1500000")
    with pytest.raises(ValueError):
        to_minor(Decimal("12.5"), vnd)
    with pytest.raises(ValueError):
        to_minor(Decimal("0.001"), rub)


@pytest.mark.parametrize(("minor", "percent", "want"), [
    (1235, 30, 371),  # 370.5 rounds half up
    (1000, 30, 300),
    (1, 50, 1),  # half a kopeck up
    (1, 49, 0),
    (333, 15, 50),  # 49.95
    (0, 30, 0),
    (2_500_000_000, 500, 12_500_000_000),
])
def test_percent_rounds_half_up_in_integers(minor: int, percent: int, want: int) -> None:
    assert percent_of(minor, percent) == want


@given(st.integers(0, 10**15), st.integers(0, 500))
def test_percent_matches_decimal_half_up(minor: int, percent: int) -> None:
    exact = Decimal(minor) * percent / 100
    assert percent_of(minor, percent) == round_major(exact, currency("VND"))
    assert with_percent(minor, percent) == minor + percent_of(minor, percent)


# --- the cap rule in minor units, for any amounts (hypothesis) -----------------------------

AMOUNT = st.integers(1, 10**12)
STATUSES = st.sampled_from([PROPOSED, ACCEPTED, DECLINED, WITHDRAWN])


@st.composite
def price_items(draw: st.DrawFn) -> list[PriceItemView]:
    quotes = draw(st.lists(st.tuples(AMOUNT, STATUSES), max_size=4))
    quotes = [(a, s) for a, s in quotes if s != ACCEPTED]  # at most one quote is accepted
    if draw(st.booleans()):
        quotes.insert(draw(st.integers(0, len(quotes))), (draw(AMOUNT), ACCEPTED))
    extras = draw(st.lists(st.tuples(AMOUNT, STATUSES), max_size=10))
    rows = [(QUOTE, a, s) for a, s in quotes] + [(EXTRA, a, s) for a, s in extras]
    return [PriceItemView(n, kind, "", amount, None, status)
            for n, (kind, amount, status) in enumerate(rows)]


@given(price_items(), AMOUNT)
def test_the_final_price_never_exceeds_the_quote_plus_approved_extras(
        items: list[PriceItemView], price: int) -> None:
    accepted = [i.amount for i in items if i.kind == QUOTE and i.status == ACCEPTED]
    cap = price_cap(items)
    if not accepted:
        assert cap is None  # no accepted quote: no cap, and extras never count alone
        check_final_price(price, cap)
        return
    expected = accepted[0] + sum(i.amount for i in items
                                 if i.kind == EXTRA and i.status == ACCEPTED)
    assert cap == expected and isinstance(cap, int)  # exact: no float, nothing rounded
    if price <= cap:
        check_final_price(price, cap)
    else:
        with pytest.raises(InvalidInput) as err:
            check_final_price(price, cap)
        assert err.value.params == {"cap": cap}
    check_final_price(cap, cap)  # the cap itself is allowed, one minor unit more is not
    with pytest.raises(InvalidInput):
        check_final_price(cap + 1, cap)


@functools.cache
def _i18n():  # type: ignore[no-untyped-def]
    from bot.i18n import make_i18n

    return make_i18n("en")  # compiles six catalogues: once


@settings(deadline=None)
@given(st.sampled_from(["en", "ru", "pl", "cs", "vi", "zh"]),
       st.sampled_from(["RUB", "PLN", "CZK", "VND", "EUR", "USD"]), st.data())
def test_what_is_echoed_reads_back_as_the_same_amount(locale: str, code: str,
                                                      data: st.DataObject) -> None:
    """The echo is the person's own format: typed back, it means that amount and no other."""
    from bot.i18n import fmt_money

    cur = currency(code)
    minor = data.draw(st.integers(1, cur.max_minor))
    i18n = _i18n()
    with i18n.context(), i18n.use_locale(locale):
        shown = fmt_money(minor, cur)
    assert readings(shown, locale, cur) == (minor,), shown
