"""The margin engine and its rules: plain Python and numpy, no Qt, SQL, ccxt, I/O or clock."""

from monitor.domain.book import Book
from monitor.domain.engine import Evaluation, evaluate, evaluate_accounts, evaluate_arrays
from monitor.domain.model import (
    Account,
    Maintenance,
    MaintenanceBasis,
    MarginMode,
    Position,
    Side,
    Thresholds,
    Tier,
)
from monitor.domain.report import AccountHealth, Level, PositionHealth, level_for

__all__ = [
    "Account",
    "AccountHealth",
    "Book",
    "Evaluation",
    "Level",
    "Maintenance",
    "MaintenanceBasis",
    "MarginMode",
    "Position",
    "PositionHealth",
    "Side",
    "Thresholds",
    "Tier",
    "evaluate",
    "evaluate_accounts",
    "evaluate_arrays",
    "level_for",
]
