"""Numbers read back from the app's own display format: parse(format(x)) == x."""

from __future__ import annotations

import random

import pytest

from monitor.ui import formatting as fmt
from monitor.ui.numbers import NumberError, number_text, parse_number, parse_percent, percent_text


@pytest.mark.parametrize(
    ("text", "value"),
    [("5,000", 5000.0), ("3,150.5", 3150.5), ("-5,000", -5000.0), ("1,234,567.25", 1234567.25),
     ("1e9", 1e9), ("1e+09", 1e9), (" 0.5 ", 0.5), ("\u22125,000", -5000.0), (".5", 0.5)],
)  # fmt: skip
def test_typed_and_displayed_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["0,5", "1,50", "5,0000", "1.000,5", "abc", "", "—", "nan", "1e999"]
)
def test_what_is_not_one_number_is_refused(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


def test_every_display_format_reads_back_to_the_number_it_shows() -> None:
    """Values with no more digits than each format prints come back exactly; any value's text
    reads back to a number that prints the same (the display is a fixed point)."""
    exact = {
        fmt.price: [3150.5, 61_000.0, 12.25, 0.155, 1e9],
        fmt.money: [5000.0, -5000.0, 1234.56, 0.5],
        fmt.amount: [0.04, 5000.0, 1e9, 123456.0],
        fmt.health: [2.5, 10.47, 150.0],
    }
    for display, values in exact.items():
        for x in values:
            assert parse_number(display(x)) == x, (display.__name__, x, display(x))
    rng = random.Random(13)
    for _ in range(2000):
        x = rng.choice([-1, 1]) * 10 ** rng.uniform(-4, 9)
        for display in (fmt.price, fmt.money, fmt.amount, fmt.health):
            shown = display(x)
            assert display(parse_number(shown)) == shown
        assert parse_number(number_text(x)) == x  # an input field keeps every digit


def test_percent_fields_take_the_unit_and_shift_the_point_exactly() -> None:
    assert parse_percent("0.5") == 0.005
    assert parse_percent("0.5 %") == parse_percent("0.5%") == 0.005
    assert parse_percent(fmt.percent(0.005)) == 0.005  # "0.5 %", as the app shows it
    assert parse_percent("0.4") == 0.004 and parse_percent("2.5") == 0.025
    for rate in (0.004, 0.005, 0.0125, 0.025, 0.0005, 0.1):
        assert parse_percent(percent_text(rate)) == rate
    assert percent_text(0.005) == "0.5"
