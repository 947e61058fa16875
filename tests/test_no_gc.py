"""``store.reader.no_gc``: the collector paused while a set is built; after a big
build the new objects are frozen (out of its sight, as the app's load does), and
they are still freed when dropped."""

import gc
import weakref

from annotator.store import reader


class Thing:
    pass


def test_a_big_build_is_frozen_and_still_freed():
    gc.collect()
    gc.unfreeze()
    try:
        with reader.no_gc():
            assert not gc.isenabled()
            things = [Thing() for _ in range(reader.FREEZE_AFTER + 10)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(things)
        probe = weakref.ref(things[0])
        del things
        assert probe() is None  # frozen objects go when nothing refers to them
    finally:
        gc.unfreeze()


def test_a_small_build_is_left_to_the_collector():
    gc.collect()
    gc.unfreeze()
    with reader.no_gc():
        few = [Thing() for _ in range(100)]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert len(few) == 100


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with reader.no_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
