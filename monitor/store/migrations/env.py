"""Alembic environment: migrates the connection open_database hands over in `attributes`.

Also works from the alembic command line for development (`sqlalchemy.url` in the Config).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from monitor.store.models import Base

config = context.config
target_metadata = Base.metadata


def _migrate(connection: Connection) -> None:
    # Batch mode rebuilds tables where SQLite cannot ALTER; other backends alter in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _migrate(conn)


run()
