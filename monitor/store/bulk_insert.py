"""Rows straight to the driver's executemany: history is written by the hundred thousand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import DeclarativeBase


def insert_rows(
    connection: Connection,
    model: type[DeclarativeBase],
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """executemany straight to the driver with a statement the dialect compiled.

    A day of 1-s history is millions of rows; SQLAlchemy's per-row parameter processing
    would more than double the time, and these columns (numbers, short strings) need none.
    Portable: positional drivers get tuples in the compiled order, named ones get dicts.
    """
    if not rows:
        return
    compiled = insert(model).compile(dialect=connection.dialect, column_keys=list(columns))
    params: list[Any]
    if compiled.positional:
        order = [list(columns).index(name) for name in compiled.positiontup or ()]
        params = (
            rows
            if order == list(range(len(columns)))
            else [tuple(row[i] for i in order) for row in rows]
        )
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(compiled.string, params)
