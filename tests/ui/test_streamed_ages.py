"""Ages with live marks: the data is as old as the newest of the REST read and the streamed
marks; the venue's own figures, read over REST only, say their age once the marks moved on."""

from __future__ import annotations

from monitor.domain.model import Thresholds
from monitor.service.snapshot import AccountSnapshot, SourceState, SourceStatus
from monitor.ui.formatting import status_text
from monitor.ui.headline_figures import exchange_caption as _exchange_caption

NOW = 1_000_000.0


def _snap(fetched_ago: float, streamed_ago: float | None) -> AccountSnapshot:
    return AccountSnapshot(
        account_id=1, name="a", kind="exchange", venue="binanceusdm", thresholds=Thresholds(),
        pools=(), status=SourceStatus(SourceState.OK, NOW - fetched_ago),
        marks_at=None if streamed_ago is None else NOW - streamed_ago,
    )  # fmt: skip


def test_the_data_age_is_the_newest_of_rest_and_stream() -> None:
    assert status_text(_snap(8.0, 0.4), NOW) == "live · 0 s"
    assert status_text(_snap(8.0, None), NOW) == "live · 8 s"


def test_the_venue_figures_say_their_age_once_the_stream_moved_on() -> None:
    assert _exchange_caption(_snap(8.0, 0.4), NOW) == "Exchange's health · 8 s ago"
    assert _exchange_caption(_snap(1.0, 0.4), NOW) == "Exchange's health"  # read together
    assert _exchange_caption(_snap(8.0, None), NOW) == "Exchange's health"
