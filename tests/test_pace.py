"""Long C-level calls made a piece at a time (annotator.pace): the same result
as the one call, with a pause between two pieces (in a thread with a hook)."""

import threading

import numpy as np
import pytest

from annotator import pace


def in_thread(fn):
    """fn() in a thread with a counting hook: (its result, the pauses)."""
    calls = []
    got = []
    pace.set_hook(lambda: calls.append(1))
    try:
        t = threading.Thread(target=lambda: got.append(fn()))
        t.start()
        t.join()
    finally:
        pace.set_hook(None)
    return got[0], len(calls)


def test_chunks_are_the_items_in_order_with_a_pause_between_two():
    table = {str(i): i for i in range(10)}
    got, pauses = in_thread(lambda: list(pace.chunks(table.values(), 4)))
    assert got == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert pauses == 2
    assert list(pace.chunks([], 4)) == []
    assert list(pace.chunks(range(4), 4)) == [[0, 1, 2, 3]]


def test_joined_is_concatenate_of_lists_and_arrays_the_same_objects():
    objs = [object() for _ in range(11)]
    parts = [objs[:3], np.array(objs[3:8] + [None], object)[:5], [], objs[8:]]
    got, pauses = in_thread(lambda: pace.joined(parts, 11, size=2))
    assert got.dtype == object and len(got) == 11
    assert all(a is b for a, b in zip(got.tolist(), objs))
    assert pauses >= 5
    # a string is one item (not a sequence of characters)
    assert pace.joined([["ab", "cd"], ["e"]], 3).tolist() == ["ab", "cd", "e"]
    with pytest.raises(ValueError):
        pace.joined([[1, 2]], 3)


def test_take_is_the_fancy_index():
    values = np.array([f"v{i}" for i in range(9)], object)
    order = np.array([8, 0, 3, 3, 1, 7, 2, 6, 5, 4])
    got, pauses = in_thread(lambda: pace.take(values, order, size=3))
    assert got.tolist() == values[order].tolist()
    assert pauses == 4
    assert pace.take(values, np.array([], np.int64)).tolist() == []


def test_drop_empties_a_list_its_parts_or_an_object_array():
    flat = [str(i) for i in range(10)]
    parts = [[1, 2, 3], np.array([4, 5], object), [6]]
    arr = np.array([object() for _ in range(7)], object)
    _, pauses = in_thread(lambda: (pace.drop(flat, 3), pace.drop(parts, 2), pace.drop(arr, 3)))
    assert flat == [] and parts == []
    assert arr.tolist() == [None] * 7
    assert pauses >= 4 + 3 + 3


def test_pause_on_the_main_thread_never_calls_the_hook():
    calls = []
    pace.set_hook(lambda: calls.append(1))
    try:
        assert list(pace.chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]
        pace.drop(list(range(5)), 2)
    finally:
        pace.set_hook(None)
    assert calls == []
