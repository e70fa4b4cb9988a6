"""The engine stays free of Qt, SQL, ccxt and network libraries (napari-style check)."""

import ast
import subprocess
import sys
from pathlib import Path


def test_domain_imports_no_framework():
    code = (
        "import sys, monitor.domain, monitor.domain.whatif, monitor.formats.portfolio;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'PySide6','pyqtgraph','sqlalchemy','ccxt','aiohttp','requests','alembic'}];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_sources_do_not_import_the_service():
    """The arrows point down: sources hand the service domain objects and share only
    monitor.contracts with it."""
    code = (
        "import sys, monitor.sources.exchange.reader, monitor.sources.exchange.catalog,"
        " monitor.sources.exchange.credentials, monitor.sources.exchange.public;"
        "print(','.join(m for m in sys.modules if m.startswith('monitor.service')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_engine_module_imports_alone_and_at_module_level():
    """Each engine module imports on its own in a fresh interpreter (no import cycle), and
    only at module level: an import inside a function hides a cycle from the reader and from
    the checks above, which see only what importing the modules loads."""
    root = Path(__file__).resolve().parents[2] / "monitor" / "domain"
    modules = sorted(root.rglob("*.py"))
    inside: list[str] = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inside += [
                    f"{path.relative_to(root)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                ]
    assert inside == []
    names = [
        ".".join(("monitor", "domain", *p.relative_to(root).with_suffix("").parts))
        for p in modules
        if p.name != "__init__.py"
    ]
    failed = []
    for name in names:
        command = [sys.executable, "-c", f"import {name}"]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode:
            failed.append(f"{name}: {run.stderr.strip().splitlines()[-1]}")
    assert failed == []
