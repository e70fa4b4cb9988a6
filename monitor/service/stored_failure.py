"""An account's last failure as the store keeps it, read back in the trader's words.

The store has one text column for it. The service writes the words the trader saw while it
failed live (SourceStatus.advice: diagnosis.status_sentence) above the library's text, as the
window's tooltip shows them: "<advice>\\ndetails: <library's text>". Read back, both halves
return, so a restarted window, its stored book and a viewer show the failure in those words
from the start, not the raw text until the next failed read. A row written before (the raw
text alone) is diagnosed again from the ccxt class its text names ("binanceusdm account
'main': OnMaintenance: …", see errors.translate); a text naming none stays as it is."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from monitor.service.snapshot import SourceState, SourceStatus

if TYPE_CHECKING:
    from monitor.store.records import AccountRecord, SourceStatusRecord

DETAILS = "\ndetails: "
_CCXT_CLASS = re.compile(r": ([A-Z][A-Za-z]+): ")


def stored_text(status: SourceStatus) -> str:
    """What the store keeps of a failure: its words, then the library's text."""
    raw = status.last_error or ""
    if status.advice and status.advice != raw:
        return f"{status.advice}{DETAILS}{raw}"
    return raw


def read_back(record: AccountRecord, text: str | None) -> tuple[str | None, str | None]:
    """(last_error, advice) of a stored failure: the library's text and the trader's words."""
    if not text:
        return None, None
    if DETAILS in text:
        advice, raw = text.split(DETAILS, 1)
        return raw, advice
    return text, _diagnosed_again(record, text)


def stored_status(
    record: AccountRecord, stored: SourceStatusRecord, state: SourceState | None = None
) -> SourceStatus:
    """The source's status from the store: `state`, else as the collector that polls it last
    wrote it down (failing if its last failure is newer than its last success)."""
    failed_last = stored.last_error_at is not None and (
        stored.last_success is None or stored.last_error_at > stored.last_success
    )
    if state is None:
        if failed_last:
            state = SourceState.ERROR
        else:
            state = SourceState.STARTING if stored.last_success is None else SourceState.OK
    if state is SourceState.OK:
        return SourceStatus(state, stored.last_success)
    last_error, advice = read_back(record, stored.last_error)
    return SourceStatus(state, stored.last_success, last_error, advice=advice)


def _diagnosed_again(record: AccountRecord, text: str) -> str | None:
    # Imported here: ccxt is a second of the start's CPU, and the stored book shown at start
    # (stored_book.py) reads failures through this module; only a raw row needs ccxt.
    from ccxt.base import errors as cx

    from monitor.service.account_worker import describe_failure, failure_advice
    from monitor.sources.exchange.errors import our_class_for

    if text == describe_failure(TimeoutError()):
        return failure_advice(record, TimeoutError())
    for match in _CCXT_CLASS.finditer(text):
        library = getattr(cx, match.group(1), None)
        if isinstance(library, type) and issubclass(library, cx.BaseError):
            # As errors.translate raised it: ours, from the library's (whose text carries the
            # venue's code, e.g. -2015, which decides the sentence).
            failure = our_class_for(library)(text)
            failure.__cause__ = library(text[match.end() :])
            return failure_advice(record, failure)
    return None
