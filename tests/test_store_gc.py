"""What a read leaves to the cyclic garbage collector (``annotator.collector.paused``, the store's ``no_gc``)."""

from __future__ import annotations

import gc

import pytest

from annotator import store
from annotator.model import AnnotationSet, Document, Entity, Span


def _file(n: int = 300) -> tuple[str, str]:
    text = " ".join(f"w{i}" for i in range(n))
    aset = AnnotationSet(Document(text, "a.txt"))
    at = 0
    for i in range(n):
        word = f"w{i}"
        aset.entities[f"T{i + 1}"] = Entity(f"T{i + 1}", "PER", Span.of(text, at, at + len(word)))
        at += len(word) + 1
    return store.dumps(aset), text


@pytest.fixture
def collector(monkeypatch):
    """The collector on, nothing frozen (as in a command or a test), restored after."""
    from annotator import collector as C

    was, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.unfreeze()
    monkeypatch.setattr(C, "frozen", False)
    gc.enable()
    yield
    if frozen:
        gc.freeze()
    if not was:
        gc.disable()


def test_what_a_read_made_is_in_the_oldest_generation_and_nothing_stays_frozen(collector):
    data, text = _file()
    got = store.read("a.yaml", text=data, article=text).checked()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    entities = list(got.entities.values())
    assert len(entities) == 300
    # without the move, they would wait in the youngest generation for a walk
    assert all(id(e) in oldest for e in entities)


def test_what_was_frozen_before_a_read_stays_frozen(collector):
    data, text = _file()
    from annotator.collector import freeze

    keep = [[] for _ in range(50)]  # stands for what the app loaded and froze
    freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    store.read("a.yaml", text=data, article=text).checked()
    assert gc.get_freeze_count() >= frozen
    assert keep


def test_a_cycle_made_during_a_read_is_still_freed(collector):
    import weakref

    from annotator.store import reader

    class Node:
        pass

    with reader.no_gc():
        a, b = Node(), Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
    assert ref() is not None  # a cycle: reference counting cannot free it
    gc.collect()
    assert ref() is None
