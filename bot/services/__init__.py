"""Use cases. Each runs in one short transaction: load, authorise, compare-and-set, audit,
outbox, commit. Nothing here talks to Telegram."""
