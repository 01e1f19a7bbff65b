"""Masterdesk: a Telegram service desk for a home-services marketplace."""
