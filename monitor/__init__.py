"""Margin Monitor: margin health and liquidation risk of crypto perpetual-futures accounts."""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__`, from the installed package's metadata on first use: importlib.metadata
    takes ~40 ms to import, on every start (the window's among them), and only --version
    asks for it."""
    if name != "__version__":
        raise AttributeError(f"module 'monitor' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("margin-monitor")
    except PackageNotFoundError:  # running from a tree that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
