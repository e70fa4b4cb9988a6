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
