"""The one error the store raises for bad requests and unusable databases."""

from __future__ import annotations


class StoreError(Exception):
    """A request the store refuses, or a database it cannot use; the message names the place."""


class MissingDatabase(StoreError):
    """A command that only reads was pointed at a database that does not exist (a typo?)."""
