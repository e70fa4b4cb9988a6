"""Alembic migrations of the store, run by monitor.store.database.open_database."""
