"""Page contexts with values made only when needed (pages.Derived)."""

from __future__ import annotations

import pickle

from generator.pages import Derived, Page

calls: list[tuple] = []


def doubled(values: tuple) -> list:
    calls.append(values)
    return [value * 2 for value in values]


def test_a_derived_value_is_made_once_and_only_when_asked():
    calls.clear()
    page = Page("a/", "a.html", {"plain": 1, "made": Derived(doubled, (1, 2))})
    assert calls == []
    assert page.render_context() == {"plain": 1, "made": [2, 4]}
    page.render_context()
    assert calls == [(1, 2)]


def test_derived_values_are_equal_when_their_values_are():
    assert Derived(doubled, (1, 2)) == Derived(doubled, (1, 2))
    assert Derived(doubled, (1, 2)) != Derived(doubled, (1, 3))
    assert Derived(doubled, (1, 2)) != [2, 4]  # a value is not its Derived
    assert Page("a/", "a.html", {"made": Derived(doubled, (1,))}) == Page("a/", "a.html", {"made": Derived(doubled, (1,))})


def test_a_derived_value_travels_to_a_spawned_worker_unmade():
    calls.clear()
    made = Derived(doubled, (3,))
    made.value()
    copy = pickle.loads(pickle.dumps(made))
    assert not hasattr(copy, "_value")  # the worker makes it: the parent's result is not sent
    assert copy.value() == [6] and copy.make is doubled and copy.args == ((3,),)
