"""The ways to pay keep their stored codes and the order the New order form offers them in
(a press carries the index), and every one has its name."""

from __future__ import annotations

from bot.domain.order_request import Payment
from bot.notify.names import PAYMENT_NAMES
from fsm.draft import PAYMENTS, OrderDraft


def test_payment_codes_order_and_names() -> None:
    assert PAYMENTS == ("cash", "card", "transfer")
    assert all(type(p) is str for p in PAYMENTS)
    assert set(PAYMENT_NAMES) == set(Payment)
    assert OrderDraft().payment == "cash" and type(OrderDraft().payment) is str
