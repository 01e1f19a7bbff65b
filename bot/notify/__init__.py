"""Telegram out, in two parts that do not mix.

What people see (pure: a view in, text and buttons out, in the reader's language):
  markup.py (a user's words escaped, a button), names.py (the names of statuses, reasons,
  payment ways, SLA clocks), keyboards.py (the keyboards under outbox messages), render.py
  (cards, jobs, offers, masters), client_view.py, prices.py, edits.py, fit.py (Telegram's
  limits), and messages/ (one composer per outbox event, by reader).

Delivery (when and how it goes out): sender.py (the outbox), limiter.py, throttle.py,
fitting.py (the fitting on the way out), albums.py (files in albums).
"""
