"""Conversations: states, typed draft data, persisted storage."""
