"""The model pickles as tuples of values (generator/pickling.py), and back to equal objects."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from conftest import ROOT

from generator import diagnostics, indicators, model
from generator.build import load_site
from generator.diagnostics import Report

SLOTTED = [cls for module in (model, diagnostics, indicators) for cls in vars(module).values()
           if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
           and "__slots__" in cls.__dict__]


def test_every_slotted_model_class_pickles_as_a_tuple():
    site = load_site(ROOT, Report())
    seen = {}
    for cls in SLOTTED:
        seen[cls.__name__] = "__getstate__" in cls.__dict__ and cls.__getstate__.__module__ == "generator.pickling"
    assert len(SLOTTED) >= 20 and all(seen.values()), [name for name, ok in seen.items() if not ok]
    assert isinstance(site.departments[0].__getstate__(), tuple)


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_the_sample_model_round_trips(protocol):
    site = load_site(ROOT, Report())
    back = pickle.loads(pickle.dumps(site, protocol=protocol))
    assert back == site
    assert copy.deepcopy(site.departments[0]) == site.departments[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.departments[0].name = "改"


def test_a_state_of_the_wrong_length_is_refused_and_slots_are_set_directly():
    """Each class gets the straight-line __setstate__ made for it; a record whose tuple has
    a value too many or too few is refused, as a loop with zip(strict=True) refused it."""
    site = load_site(ROOT, Report())
    dept = site.departments[0]
    assert all(cls.__setstate__.__code__.co_filename == "<string>" for cls in SLOTTED)
    state = dept.__getstate__()
    fresh = object.__new__(model.Department)
    fresh.__setstate__(state)
    assert fresh == dept
    for wrong in (state + ("extra",), state[:-1]):
        with pytest.raises(ValueError):
            object.__new__(model.Department).__setstate__(wrong)
