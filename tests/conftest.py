"""Suite-wide settings: Qt renders offscreen (there is no display on CI)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import gc

import pytest


@pytest.fixture(autouse=True)
def _collect_garbage_between_tests():
    yield
    gc.collect()
