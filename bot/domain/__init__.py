"""Pure rules of the desk: no aiogram, no SQLAlchemy (tests/domain/test_domain.py checks)."""
