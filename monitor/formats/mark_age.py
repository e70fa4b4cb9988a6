"""How old a position's mark is, in the words the window and `check` share ("typed 3 h ago").

Coarse on purpose: the age is read as "how stale is this", and a coarse text changes rarely
(a table cell showing it is seldom repainted).
"""

from __future__ import annotations

TYPED = "typed"


def ago(seconds: float) -> str:
    """ "just now", "16 min ago", "3 h ago", "4 d ago" (whole units, rounded down)."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600:.0f} h ago"
    return f"{seconds // 86400:.0f} d ago"


def typed_age(at: float | None, now: float) -> str:
    """ "typed 3 h ago"; "typed" alone when the time was never kept."""
    return TYPED if at is None else f"{TYPED} {ago(now - at)}"
