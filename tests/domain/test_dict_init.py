"""dict_init builds a frozen dataclass as the generated __init__ does (a twin without it is the
reference): positional and keyword arguments, defaults, default factories, __post_init__,
frozenness, equality and dataclasses.replace."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field, replace

import pytest

from monitor.domain.dict_init import dict_init

CALLS: list[str] = []


@dataclass(frozen=True)
class Plain:
    name: str
    value: float
    notes: tuple[str, ...] = ()
    tags: list[str] = field(default_factory=list)
    flag: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        CALLS.append(f"plain {self.name}")


@dict_init
@dataclass(frozen=True)
class Quick:
    name: str
    value: float
    notes: tuple[str, ...] = ()
    tags: list[str] = field(default_factory=list)
    flag: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        CALLS.append(f"quick {self.name}")


def _fields(obj: object) -> dict[str, object]:
    return dict(vars(obj))


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a", 1.0), {}),
        (("a",), {"value": 2.0, "notes": ("x",)}),
        ((), {"name": "b", "value": 3.0, "tags": ["t"], "flag": True}),
        (("c", 4.0, ("n",), ["u"]), {"flag": True}),
    ],
)
def test_builds_what_the_generated_init_builds(args: tuple, kwargs: dict) -> None:
    CALLS.clear()
    plain, quick = Plain(*args, **kwargs), Quick(*args, **kwargs)
    assert _fields(quick) == _fields(plain)
    assert [f"plain {plain.name}", f"quick {quick.name}"] == CALLS  # __post_init__ ran once


def test_refuses_what_the_generated_init_refuses() -> None:
    for cls in (Plain, Quick):
        with pytest.raises(TypeError):
            cls("a")  # a required field missing
        with pytest.raises(TypeError):
            cls("a", 1.0, (), [], True)  # a keyword-only field given by position
        with pytest.raises(TypeError):
            cls("a", 1.0, colour="red")  # no such field


def test_each_instance_gets_its_own_default_factory_value() -> None:
    one, two = Quick("a", 1.0), Quick("b", 1.0)
    assert one.tags == [] and one.tags is not two.tags


def test_stays_frozen_comparable_and_replaceable() -> None:
    quick = Quick("a", 1.0, ("n",))
    with pytest.raises(FrozenInstanceError):
        quick.value = 2.0  # type: ignore[misc]
    assert quick == Quick("a", 1.0, ("n",)) and quick != Quick("a", 2.0, ("n",))
    moved = replace(quick, value=5.0)
    assert type(moved) is Quick and moved.value == 5.0 and moved.notes == ("n",)
