"""Trim a PyInstaller Analysis of the Qt parts Margin Monitor never loads.

The Qt hooks collect every plugin of the modules in use; a few of those plugins drag in large
libraries (the virtual keyboard pulls in QtQuick and QML, the GTK theme pulls in GTK's cairo/pango
stack). Dropping a plugin leaves its libraries behind, so `prune_orphans` then removes each library
that only dropped binaries linked against. Used by margin-monitor.spec; paths are bundle paths.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import PurePath

Entry = tuple[str, str, str]  # (path in the bundle, source path, PyInstaller type code)

UNUSED_QT = (
    # On-screen keyboard for touch kiosks; the only reason QtQuick/QML would ship.
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    # GTK look-alike theme: needs the user's GTK anyway and brings cairo/pango along.
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    # Embedded/headless platforms; a desktop uses xcb or wayland (tests use offscreen).
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
    "PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*",  # evdev/tuio input, only used by the platforms above
    # The window is English-only and installs no QTranslator.
    "PySide6/Qt/translations/*",
)


def matches(dest: str, patterns: Iterable[str]) -> bool:
    posix = PurePath(dest).as_posix()
    return any(fnmatch(posix, pattern) for pattern in patterns)


def split(toc: Iterable[Entry], patterns: Iterable[str]) -> tuple[list[Entry], list[Entry]]:
    """(kept, dropped) entries of a TOC by bundle path."""
    patterns = tuple(patterns)
    kept: list[Entry] = []
    dropped: list[Entry] = []
    for entry in toc:
        (dropped if matches(entry[0], patterns) else kept).append(entry)
    return kept, dropped


def prune_orphans(kept: list[Entry], dropped: list[Entry]) -> list[Entry]:
    """`kept` without the libraries that only `dropped` binaries import (transitively).

    Libraries are matched by file name: a SYMLINK entry (PyInstaller links Qt's libraries into
    the top folder) goes with the library of the same name.
    """
    from PyInstaller.depend.bindepend import get_imports  # the analysis PyInstaller itself ran

    def name(entry: Entry) -> str:
        return PurePath(entry[0]).name

    def imports(entry: Entry) -> set[str]:
        if entry[2] == "SYMLINK":  # its source is the link target, not a file to read
            return set()
        return {PurePath(lib).name for lib, _path in get_imports(entry[1])}

    # Candidates: what the dropped binaries link against; nothing else is ever removed.
    candidates: set[str] = set()
    for entry in dropped:
        candidates |= imports(entry)
    by_name: dict[str, list[Entry]] = {}
    for entry in kept:
        if name(entry) in candidates:
            by_name.setdefault(name(entry), []).append(entry)

    reachable: set[str] = set()
    pending = [e for e in kept if name(e) not in by_name]
    while pending:
        for lib in imports(pending.pop()):
            if lib in by_name and lib not in reachable:
                reachable.add(lib)
                pending.extend(by_name[lib])
    orphans = set(by_name) - reachable
    return [e for e in kept if name(e) not in orphans]


def drop_dangling_links(datas: list[Entry], binaries: list[Entry]) -> list[Entry]:
    """`datas` without SYMLINK entries whose target library is no longer in `binaries`."""
    present = {PurePath(e[0]).as_posix() for e in binaries}

    def target(entry: Entry) -> str:
        return posixpath.normpath((PurePath(entry[0]).parent / entry[1]).as_posix())

    return [e for e in datas if e[2] != "SYMLINK" or target(e) in present]
