"""The render cache the app owns: one entry per state, least recently used dropped, and a new dataset
(a data reload) drops the old one so that it is not kept alive."""

from __future__ import annotations

import gc
import weakref

from dashboard.app import create_app
from dashboard.model.filters import FilterState
from dashboard.model.render import RenderCache
from tests.datasets import demo


def test_a_state_is_rendered_once_and_the_oldest_dropped(demo):
    cache = RenderCache(size=2)
    water, transport = FilterState(sectors=("Water",)), FilterState(sectors=("Transportation",))
    first = cache.render(demo, water)
    assert cache.render(demo, water) is first
    cache.render(demo, transport)
    cache.render(demo, FilterState())  # a third state pushes out the least recently used (water)
    assert len(cache) == 2
    assert cache.render(demo, water) is not first


def test_a_new_dataset_empties_the_cache_and_frees_the_old_one():
    cache = RenderCache()
    old = demo()
    cache.render(old, FilterState())
    cache.value(old, "page", lambda: ["a page of the old data"])
    gone = weakref.ref(old)
    del old
    new = demo()
    assert cache.value(new, "page", lambda: ["a page of the new data"]) == ["a page of the new data"]
    cache.render(new, FilterState())
    gc.collect()
    assert gone() is None, "the cache kept the replaced dataset alive"


def test_two_apps_share_no_rendered_state(demo):
    a, b = create_app(demo), create_app(demo)
    # each app builds its page once, in its own cache: building one never fills the other's
    body_a = a.layout().children[1]
    assert a.layout().children[1] is body_a
    assert b.layout().children[1] is not body_a
