"""The portfolio file format `margin-monitor.portfolio/1` (shared/spec/portfolio-format.md).

Parsing is strict: an unknown key, a missing one, or a value out of range is an error that
names the file, the account, the position and the field — a typo must not silently change a
risk figure.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from monitor.domain.model import (
    Account,
    Maintenance,
    MaintenanceBasis,
    MarginMode,
    Position,
    Side,
)

FORMAT = "margin-monitor.portfolio/1"

_ACCOUNT_KEYS = {"name", "venue", "collateral", "wallet_balance", "positions"}
_ACCOUNT_REQUIRED = {"name", "wallet_balance", "positions"}
_POSITION_KEYS = {
    "symbol", "side", "contracts", "contract_size", "inverse", "entry_price", "mark_price",
    "margin_mode", "isolated_margin", "leverage", "maintenance", "maintenance_basis",
    "close_fee_rate", "hypothetical",
}  # fmt: skip
_POSITION_REQUIRED = {"symbol", "side", "contracts", "entry_price", "mark_price", "maintenance"}


class PortfolioError(ValueError):
    """Invalid portfolio input; the message names where (file, account, position, field).

    `field` and `problem` are also kept apart, for a form that marks the field at fault.
    """

    def __init__(self, message: str, field: str | None = None, problem: str | None = None):
        super().__init__(message)
        self.field = field
        self.problem = problem if problem is not None else message


class _Where:
    def __init__(self, source: str) -> None:
        self.source = source
        self.account: str | None = None
        self.position: str | None = None

    def error(self, field: str | None, problem: str) -> PortfolioError:
        parts = [self.source]
        if self.account is not None:
            parts.append(f"account {self.account}")
        if self.position is not None:
            parts.append(f"position {self.position}")
        if field is not None:
            parts.append(f"field '{field}'")
        return PortfolioError(": ".join(parts) + f": {problem}", field, problem)


def _number(where: _Where, field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise where.error(field, f"must be a number, got {json.dumps(value)}")
    if isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise where.error(field, f"must be a number, got {json.dumps(value)}") from None
        if value.strip().lower().lstrip("+-") in {"nan", "inf", "infinity"}:
            raise where.error(field, f"must be a finite number, got {json.dumps(value)}")
    else:
        result = float(value)
    if not math.isfinite(result):
        raise where.error(field, f"must be a finite number, got {value}")
    return result


def _positive(where: _Where, field: str, value: Any) -> float:
    result = _number(where, field, value)
    if result <= 0:
        raise where.error(field, f"must be > 0, got {value}")
    return result


def _non_negative(where: _Where, field: str, value: Any) -> float:
    result = _number(where, field, value)
    if result < 0:
        raise where.error(field, f"must be >= 0, got {value}")
    return result


def _choice(where: _Where, field: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise where.error(field, f"must be one of {', '.join(choices)}, got {json.dumps(value)}")
    return str(value)


def _bool(where: _Where, field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise where.error(field, f"must be true or false, got {json.dumps(value)}")
    return value


def _object(
    where: _Where, field: str | None, value: Any, keys: set[str], required: set[str]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(field, f"must be an object, got {json.dumps(value)[:60]}")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise where.error(unknown[0], "unknown key (allowed: " + ", ".join(sorted(keys)) + ")")
    missing = sorted(required - set(value))
    if missing:
        raise where.error(missing[0], "missing required key")
    return value


def _maintenance(where: _Where, value: Any) -> Maintenance:
    field = "maintenance"
    if not isinstance(value, dict) or len(value) == 0:
        raise where.error(field, "must be an object with 'rate', 'tiers' or 'max_leverage'")
    if "rate" in value:
        obj = _object(where, field, value, {"rate", "amount"}, {"rate"})
        rate = _non_negative(where, "maintenance.rate", obj["rate"])
        amount = _number(where, "maintenance.amount", obj.get("amount", 0))
        return Maintenance.flat(rate, amount)
    if "max_leverage" in value:
        obj = _object(where, field, value, {"max_leverage"}, {"max_leverage"})
        return Maintenance.hyperliquid(
            _positive(where, "maintenance.max_leverage", obj["max_leverage"])
        )
    if "tiers" in value:
        obj = _object(where, field, value, {"tiers"}, {"tiers"})
        tiers = obj["tiers"]
        if not isinstance(tiers, list) or not tiers:
            raise where.error("maintenance.tiers", "must be a non-empty list")
        floors: list[float] = []
        rates: list[float] = []
        amounts: list[float | None] = []
        for i, tier in enumerate(tiers):
            name = f"maintenance.tiers[{i}]"
            t = _object(where, name, tier, {"floor", "rate", "amount"}, {"floor", "rate"})
            floors.append(_non_negative(where, name + ".floor", t["floor"]))
            rates.append(_non_negative(where, name + ".rate", t["rate"]))
            amounts.append(_number(where, name + ".amount", t["amount"]) if "amount" in t else None)
        if len(set(floors)) != len(floors):
            raise where.error("maintenance.tiers", "two tiers have the same floor")
        return Maintenance.tiered(floors, rates, amounts)
    unknown = sorted(value)[0]
    raise where.error(
        f"maintenance.{unknown}", "unknown key (allowed: rate, amount, tiers, max_leverage)"
    )


def _position(where: _Where, raw: Any) -> Position:
    if isinstance(raw, dict) and isinstance(raw.get("symbol"), str) and raw["symbol"].strip():
        label = raw["symbol"]
        where.position = label if where.position is None else f"{where.position} ({label})"
    p = _object(where, None, raw, _POSITION_KEYS, _POSITION_REQUIRED)
    if not isinstance(p["symbol"], str) or not p["symbol"].strip():
        raise where.error("symbol", "must be a non-empty string")
    mode = MarginMode(
        _choice(where, "margin_mode", p.get("margin_mode", "cross"), ("cross", "isolated"))
    )
    isolated_margin = None
    if mode is MarginMode.ISOLATED:
        if "isolated_margin" not in p:
            raise where.error("isolated_margin", "required when margin_mode is isolated")
        isolated_margin = _non_negative(where, "isolated_margin", p["isolated_margin"])
    elif "isolated_margin" in p:
        raise where.error("isolated_margin", "only allowed when margin_mode is isolated")
    return Position(
        symbol=p["symbol"],
        side=Side(_choice(where, "side", p["side"], ("long", "short"))),
        contracts=_positive(where, "contracts", p["contracts"]),
        contract_size=_positive(where, "contract_size", p.get("contract_size", 1)),
        inverse=_bool(where, "inverse", p.get("inverse", False)),
        entry_price=_positive(where, "entry_price", p["entry_price"]),
        mark_price=_positive(where, "mark_price", p["mark_price"]),
        margin_mode=mode,
        isolated_margin=isolated_margin,
        leverage=_positive(where, "leverage", p["leverage"]) if "leverage" in p else None,
        maintenance=_maintenance(where, p["maintenance"]),
        maintenance_basis=MaintenanceBasis(
            _choice(
                where, "maintenance_basis", p.get("maintenance_basis", "mark"), ("mark", "entry")
            )
        ),
        close_fee_rate=_non_negative(where, "close_fee_rate", p.get("close_fee_rate", 0)),
        hypothetical=_bool(where, "hypothetical", p.get("hypothetical", False)),
    )


def parse_position(raw: Any, source: str) -> Position:
    """Validate one position alone (e.g. a CSV row); errors start with `source`, e.g. FILE:LINE."""
    return _position(_Where(source), raw)


def parse_account(where: _Where, raw: Any, index: int) -> Account:
    where.account, where.position = f"#{index + 1}", None
    a = _object(where, None, raw, _ACCOUNT_KEYS, _ACCOUNT_REQUIRED)
    if not isinstance(a["name"], str) or not a["name"].strip():
        raise where.error("name", "must be a non-empty string")
    where.account = f"'{a['name']}'"
    for key in ("venue", "collateral"):
        if key in a and not isinstance(a[key], str):
            raise where.error(key, "must be a string")
    wallet = _number(where, "wallet_balance", a["wallet_balance"])
    if not isinstance(a["positions"], list):
        raise where.error("positions", "must be a list")
    positions = []
    for i, raw_position in enumerate(a["positions"]):
        where.position = f"#{i + 1}"
        positions.append(_position(where, raw_position))
    where.position = None
    if len({p.inverse for p in positions}) > 1:
        raise where.error("inverse", "an account cannot mix inverse and linear contracts")
    return Account(
        name=a["name"],
        wallet_balance=wallet,
        positions=tuple(positions),
        venue=a.get("venue"),
        collateral=a.get("collateral"),
    )


def parse_portfolio(data: Any, source: str = "<portfolio>") -> tuple[Account, ...]:
    where = _Where(source)
    doc = _object(where, None, data, {"format", "accounts"}, {"format", "accounts"})
    if doc["format"] != FORMAT:
        raise where.error(
            "format", f"must be {json.dumps(FORMAT)}, got {json.dumps(doc['format'])}"
        )
    if not isinstance(doc["accounts"], list):
        raise where.error("accounts", "must be a list")
    accounts = tuple(parse_account(where, raw, i) for i, raw in enumerate(doc["accounts"]))
    names = [a.name for a in accounts]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        where.account = f"'{duplicate}'"
        raise where.error("name", "account names must be unique within the file")
    return accounts


def load_portfolio(path: str | Path) -> tuple[Account, ...]:
    """Read and validate a portfolio file; every failure is a PortfolioError naming the place."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PortfolioError(f"{source}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PortfolioError(f"{source}: not UTF-8 text") from None
    try:
        # NaN/Infinity literals parse to floats here and are then refused by the field check,
        # so the message names the field at fault.
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PortfolioError(f"{source}: not valid JSON: {exc}") from None
    return parse_portfolio(data, source)


def _maintenance_dict(m: Maintenance) -> dict[str, Any]:
    if m.kind == "max_leverage":
        return {"max_leverage": m.max_leverage}
    if m.kind == "rate":
        return {"rate": m.tiers[0].rate, "amount": m.tiers[0].amount}
    return {"tiers": [{"floor": t.floor, "rate": t.rate, "amount": t.amount} for t in m.tiers]}


def position_dict(p: Position) -> dict[str, Any]:
    out: dict[str, Any] = {
        "symbol": p.symbol,
        "side": p.side.value,
        "contracts": p.contracts,
        "contract_size": p.contract_size,
        "inverse": p.inverse,
        "entry_price": p.entry_price,
        "mark_price": p.mark_price,
        "margin_mode": p.margin_mode.value,
    }
    if p.isolated_margin is not None:
        out["isolated_margin"] = p.isolated_margin
    if p.leverage is not None:
        out["leverage"] = p.leverage
    out["maintenance"] = _maintenance_dict(p.maintenance)
    out["maintenance_basis"] = p.maintenance_basis.value
    out["close_fee_rate"] = p.close_fee_rate
    out["hypothetical"] = p.hypothetical
    return out


def portfolio_dict(accounts: tuple[Account, ...] | list[Account]) -> dict[str, Any]:
    out_accounts = []
    for a in accounts:
        acc: dict[str, Any] = {"name": a.name}
        if a.venue is not None:
            acc["venue"] = a.venue
        if a.collateral is not None:
            acc["collateral"] = a.collateral
        acc["wallet_balance"] = a.wallet_balance
        acc["positions"] = [position_dict(p) for p in a.positions]
        out_accounts.append(acc)
    return {"format": FORMAT, "accounts": out_accounts}


def dump_portfolio(accounts: tuple[Account, ...] | list[Account]) -> str:
    return json.dumps(portfolio_dict(accounts), indent=2) + "\n"
