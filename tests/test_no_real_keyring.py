"""The tests never touch the real OS keyring (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys

import keyring

from tests.keyring_memory import MemoryKeyring


def test_each_test_has_its_own_empty_memory_keyring() -> None:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring) and backend.items == {}


def test_a_process_a_test_starts_has_no_keyring() -> None:
    assert os.environ["PYTHON_KEYRING_BACKEND"] == "keyring.backends.fail.Keyring"
    out = subprocess.run(
        [sys.executable, "-c", "import keyring; print(type(keyring.get_keyring()).__module__)"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert out.stdout.strip() == "keyring.backends.fail"
