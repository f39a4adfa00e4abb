"""Pickling the model's frozen, slotted data classes as plain tuples of their values.

The dataclasses module pickles such a class through `__getstate__`/`__setstate__`
functions that call `dataclasses.fields()` for every object; on a model of half a
million objects (a department's load record, a render worker's pages under spawn) that
call is most of the time. Here the field names are looked up once per class.
"""

from __future__ import annotations

import dataclasses
import types
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
    setattr(cls, "__setstate__", _slot_setter(cls, names) or __setstate__)  # noqa: B010
    return cls


def _slot_setter(cls: type, names: tuple[str, ...]):
    """A __setstate__ that unpacks the tuple and sets each slot through its descriptor, in
    straight-line code made for the class (as dataclasses makes __init__): a third faster
    than a loop over the names, on the load records' half a million objects. None when a
    field is not a slot."""
    slots = [next((klass.__dict__[name] for klass in cls.__mro__ if name in klass.__dict__), None) for name in names]
    if not names or not all(isinstance(slot, types.MemberDescriptorType) for slot in slots):
        return None
    values = ", ".join(f"v{index}" for index in range(len(names)))
    body = "".join(f"    set{index}(self, v{index})\n" for index in range(len(names)))
    namespace: dict = {f"set{index}": slot.__set__ for index, slot in enumerate(slots)}  # type: ignore[union-attr]
    exec(f"def __setstate__(self, state):\n    ({values},) = state\n{body}", namespace)  # noqa: S102 (our own code, made from field names)
    return namespace["__setstate__"]
