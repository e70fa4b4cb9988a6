"""Suite-wide settings: Qt renders offscreen (there is no display on CI)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import gc

import pytest


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
