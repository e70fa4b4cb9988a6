"""The engine stays free of Qt, SQL, ccxt and network libraries (napari-style check)."""

import subprocess
import sys


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
