"""`Credentials` never prints its secrets (issue 12): a repr lands in logs and tracebacks."""

from __future__ import annotations

from monitor.contracts import Credentials


def test_the_repr_says_what_is_set_never_the_values() -> None:
    creds = Credentials("key-AKIA123", "secret-XYZ789", "pass-QWE456")
    for text in (repr(creds), str(creds), f"{creds!r}", repr([creds])):
        assert "AKIA123" not in text and "XYZ789" not in text and "QWE456" not in text
    assert repr(creds) == "Credentials(api_key=…, secret=…, password=…)"
    assert repr(Credentials(api_key="k")) == "Credentials(api_key=…)"
    assert Credentials("a", "b") == Credentials("a", "b")  # still compared by value
