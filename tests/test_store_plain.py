"""``store.plain``: a set as the data its file reads back as, and its check without the text."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from annotator import store
from annotator.model import Entity, Span
from annotator.schema import default_schema
from annotator.store import pyyaml_reader
from annotator.store.plain import plain, problems

from .test_store import annotation_sets


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotation_sets())
def test_plain_is_what_the_written_file_reads_back_as(aset):
    """Every kind, status, score, attrs, discontinuous span: PyYAML reading
    ``dumps`` gives the very same data, keys in the same order."""
    text = store.dumps(aset)
    tree, problem = pyyaml_reader.slow_parse(text, "x.yaml")
    assert problem is None
    assert plain(aset) == tree.data
    assert [list(d) for d in plain(aset)["entities"]] == [list(d) for d in tree.data["entities"]]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotation_sets())
def test_problems_are_the_readers(aset):
    """The same messages as reading the written text (lines aside), with or without a schema."""
    for schema in (None, default_schema()):
        got = store.read("x.yaml", text=store.dumps(aset), article=aset.document, schema=schema)
        assert [p.message for p in problems(aset, "x.yaml", aset.document, schema)] == [p.message for p in got.problems]


def test_a_wrong_span_text_and_an_unknown_label_are_found():
    from annotator.model import AnnotationSet, Document

    text = "Orhan Qereman met SDF leaders."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13))
    assert problems(aset, "g.yaml", aset.document, default_schema()) == []
    aset.entities["T2"] = Entity("T2", "Made.Up", Span.of(text, 18, 21))
    aset.entities["T3"] = replace(aset.entities["T1"], id="T3", span=Span(((0, 5),), "Orhen"))
    found = [str(p) for p in problems(aset, "g.yaml", aset.document, default_schema())]
    assert len(found) == 2 and all(p.startswith("g.yaml: ") for p in found)
    assert "Orhen" in found[0] and "Made.Up" in found[1]  # in file order: by position
