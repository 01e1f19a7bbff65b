"""Pure rules of the desk: no aiogram, no SQLAlchemy (tests/test_domain.py checks)."""
