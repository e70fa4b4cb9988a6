"""Suite-wide settings: Qt renders offscreen (there is no display on CI)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Offscreen Qt's screen is 800x800 unless given one, and a window fits its first size to its
# screen (monitor/ui/first_size.py): the tests' windows get a 1920x1080 screen, which holds
# the designed 1560x960 they were written for. Processes the tests start inherit it.
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    _SCREEN = os.path.join(os.path.dirname(__file__), "ui", "screens", "desktop-1920x1080.json")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
# No test reads the real OS keyring of whoever runs it (saved webhooks there would get demo
# alerts): processes the tests start have none (keyring honours this variable), and each test
# in this process gets an empty in-memory one (below).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


import gc

import pytest

# db_url (a SQLite file, then a PostgreSQL database) and the throw-away PostgreSQL server.
pytest_plugins = ("tests.postgres",)


@pytest.fixture(autouse=True)
def _memory_keyring():
    from tests.keyring_memory import use_memory_keyring

    yield from use_memory_keyring()


@pytest.fixture(autouse=True)
def _collect_garbage_between_tests():
    yield
    gc.collect()


def pytest_ignore_collect(collection_path, config):
    """Benchmarks measure; they never gate the default run. They run when asked for:
    `pytest tests/bench --benchmark-enable`."""
    if collection_path.name == "bench" and collection_path.parent.name == "tests":
        return None if config.getoption("benchmark_enable") else True
    return None


@pytest.fixture
def idle_service(tmp_path):
    """The real service on its own empty database: nothing polls, so a window on it draws
    only the snapshots a test hands its presenter."""
    from monitor.service.monitor_service import MonitorService
    from monitor.store.database import open_database

    db = open_database(f"sqlite:///{tmp_path / 'window.sqlite'}")
    service = MonitorService(db)
    service.start()
    yield service
    service.stop()
    db.close()
