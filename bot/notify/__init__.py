"""Telegram out: rendering and the outbox sender."""
