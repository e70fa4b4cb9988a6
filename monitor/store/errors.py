"""The one error the store raises for bad requests and unusable databases."""

from __future__ import annotations


class StoreError(Exception):
    """A request the store refuses, or a database it cannot use; the message names the place."""


class MissingDatabase(StoreError):
    """The database --db names is not there (a typo?): a SQLite file that does not exist (to a
    command that only reads), or a PostgreSQL URL that cannot be connected to — no such database
    on the server, no server answering, the role or its password refused."""
