"""A table row rendered to plain values once: its cells' texts and sort values, and its look."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RenderedRow:
    key: Hashable
    display: tuple[str, ...]
    sort: tuple[Any, ...]  # per column; numbers sort as numbers, None (unknown) sorts last
    foreground: str = ""  # colour name; "" = the style's default
    background: str = ""
    tooltip: str = ""
    italic: bool = False
    cell_foreground: tuple[tuple[int, str], ...] = ()  # per-column overrides
    cell_tooltip: tuple[tuple[int, str], ...] = ()  # per-column, shown above the row's

    def colour(self, col: int) -> str:
        """The cell's text colour: its own override, else the row's ("" = the style's)."""
        for c, colour in self.cell_foreground:
            if c == col and colour:
                return colour
        return self.foreground

    def tip(self, col: int) -> str:
        """The cell's tooltip: its own (a figure's detail), then the row's (its state)."""
        for c, tip in self.cell_tooltip:
            if c == col and tip:
                return f"{tip}\n{self.tooltip}" if self.tooltip else tip
        return self.tooltip

    def look_differs(self, new: RenderedRow) -> bool:
        """Colours, tooltips or font differ: the row is restyled whole."""
        old = self
        return (
            old.foreground != new.foreground
            or old.background != new.background
            or old.tooltip != new.tooltip
            or old.italic != new.italic
            or old.cell_foreground != new.cell_foreground
            or old.cell_tooltip != new.cell_tooltip
        )


# What a row's update changes: the columns whose text changed, whether its look (colours,
# tooltips, font) did, and whether any sort value did.
Changes = tuple[Sequence[int], bool, bool]
# A row's changes as worked out where it was rendered, with the row they were taken against:
# they hold for the row shown only if it is that very row.
KnownChanges = tuple["RenderedRow", Sequence[int], bool, bool]


def changes(old: RenderedRow, new: RenderedRow) -> Changes:
    was, now = old.display, new.display
    moved = (
        [] if was == now else [c for c, (a, b) in enumerate(zip(was, now, strict=True)) if a != b]
    )
    return moved, old.look_differs(new), old.sort != new.sort
