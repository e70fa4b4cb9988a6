"""Values a column cannot hold on every backend are a StoreError naming the column, everywhere.

* Text longer than its column: SQLite ignores a VARCHAR's length, PostgreSQL refuses longer
  values with a driver error — the same 101-character symbol would be kept on one and break a
  refresh obscurely on the other. Lengths count characters, as PostgreSQL does.
* NaN or ±Infinity in a JSON column: Python writes them (not JSON), SQLite keeps them,
  PostgreSQL's json type refuses them. Nothing the app stores has them; a bug that made one
  must fail the same way on both.

Checked before every ORM insert and update — of the values an update changes — and by the
history's direct inserts (which carry only text), so the transaction is refused whole, alike
everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, String, event, inspect
from sqlalchemy.orm import Mapper

from monitor.store.errors import StoreError
from monitor.store.models import Base

# Per model: (attribute, column, length or None for a JSON column) of every checked column.
_CHECKED: dict[type[Base], tuple[tuple[str, str, int | None], ...]] = {}


def _checked(model: type[Base]) -> tuple[tuple[str, str, int | None], ...]:
    if model not in _CHECKED:
        table = model.__table__
        _CHECKED[model] = tuple(
            (attr.key, column.name, None if isinstance(column.type, JSON) else column.type.length)
            for attr in model.__mapper__.column_attrs
            for column in attr.columns
            if column.table is table
            and (
                isinstance(column.type, JSON)
                or (isinstance(column.type, String) and column.type.length)
            )
        )
    return _CHECKED[model]


def _non_finite(value: Any) -> float | None:
    """The first NaN or infinity anywhere in a JSON value, else None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else value
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        # Every value stored is checked (a refresh: each position's tier table): a list of
        # plain numbers, all finite, is known in one pass in C; else item by item.
        try:
            if all(map(math.isfinite, value)):
                return None
        except (TypeError, OverflowError):  # not all numbers (or an int no float holds)
            pass
        for item in value:
            found = _non_finite(item)
            if found is not None:
                return found
    return None


def check_values(model: type[Base], values: Mapping[str, Any]) -> None:
    """StoreError if a value in `values` (attribute name -> value) cannot be stored as given."""
    for key, column, limit in _checked(model):
        value = values.get(key)
        where = f"{model.__tablename__}.{column}"
        if limit is None:
            bad = _non_finite(value)
            if bad is not None:
                raise StoreError(f"{where}: {bad} is not a finite number (JSON holds none)")
        elif isinstance(value, str) and len(value) > limit:
            start = value[:24] + "…"
            raise StoreError(f"{where}: at most {limit} characters, got {len(value)} ({start!r})")


@event.listens_for(Base, "before_insert", propagate=True)
def _before_insert(mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    model = mapper.class_
    check_values(model, {key: getattr(target, key) for key, _column, _limit in _checked(model)})


@event.listens_for(Base, "before_update", propagate=True)
def _before_update(mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    # Only what changes: a SQLite file may hold an over-long value from before these checks,
    # and its row must still take a refresh of its other columns.
    model, state = mapper.class_, inspect(target)
    changed = {
        key: getattr(target, key)
        for key, _column, _limit in _checked(model)
        if state.attrs[key].history.has_changes()
    }
    check_values(model, changed)
