"""Margin Monitor: margin health and liquidation risk of crypto perpetual-futures accounts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("margin-monitor")
except PackageNotFoundError:  # running from a tree that was never installed
    __version__ = "0+unknown"
