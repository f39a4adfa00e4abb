"""Pickling the model's frozen, slotted data classes as plain tuples of their values.

The dataclasses module pickles such a class through `__getstate__`/`__setstate__`
functions that call `dataclasses.fields()` for every object; on a model of half a
million objects (a department's load record, a render worker's pages under spawn) that
call is most of the time. Here the field names are looked up once per class.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

T = TypeVar("T", bound=type)


def tuple_state(cls: T) -> T:
    """Decorate a frozen, slotted dataclass (above its @dataclass) to pickle as a tuple."""
    names = tuple(field.name for field in dataclasses.fields(cls))
    set_field = object.__setattr__  # the class is frozen: its own __setattr__ refuses

    def __getstate__(self) -> tuple:
        return tuple([getattr(self, name) for name in names])

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(names, state, strict=True):
            set_field(self, name, value)

    setattr(cls, "__getstate__", __getstate__)  # noqa: B010 (a method set on a class made elsewhere)
    setattr(cls, "__setstate__", __setstate__)  # noqa: B010
    return cls
