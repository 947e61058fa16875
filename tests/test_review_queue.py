"""The review queue's core: rows grouped by label and text, filters, orders, and
group decisions across the folder with one undo that restores every file."""


import pytest

from annotator import review_queue as rq
from annotator import store, workspace
from annotator.cli import main
from annotator.model import ACCEPTED, REJECTED, SUGGESTED
from annotator.schema import default_schema
from annotator.suggest import precision

TEXT = (
    "Fighters of the SDF said on Monday that they captured Deir el-Zor. "
    "Reuters reported that Damascus denied it. In Damascus, officials said {} villages remained.\n"
)


@pytest.fixture
def folder(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    for i in range(3):
        (arts / f"a{i}.txt").write_text(TEXT.format(i + 1), encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["suggest", str(arts), "--with", "rules", "--annotations", str(ann)]) == 0
    return sorted(arts.glob("*.txt")), ann


def items_of(sets):
    out = []
    for n, (article, aset) in enumerate(sets.items()):
        out += rq.pending(article, aset, n)
    return out


def test_rows_group_same_text_and_label_in_article_or_folder(folder):
    articles, ann = folder
    sets = rq.read_folder(articles, ann, default_schema())
    assert len(sets) == 3
    items = items_of(sets)
    folder_rows = {(r.label, r.text): r for r in rq.rows(items)}
    dam = folder_rows[("GPE", "Damascus")]
    assert dam.count == 6 and len(dam.articles) == 3
    assert dam.rule == "rules:word-list" and dam.score == pytest.approx(0.6)
    assert "[Damascus]" in dam.first.context and "reported that" in dam.first.context
    per_article = [r for r in rq.rows(items, folder=False) if (r.label, r.text) == ("GPE", "Damascus")]
    assert [r.count for r in per_article] == [2, 2, 2]
    # every pending suggestion is in exactly one row
    assert sum(r.count for r in rq.rows(items)) == len(items)


def test_select_by_label_suggester_and_score(folder):
    articles, ann = folder
    rows = rq.rows(items_of(rq.read_folder(articles, ann, default_schema())))
    assert {r.label for r in rq.select(rows, label="GPE")} == {"GPE"}
    assert rq.select(rows, suggester="spacy") == []
    assert rq.select(rows, suggester="rules") == rows
    wl = rq.select(rows, suggester="rules:word-list")
    assert wl and all(r.rule == "rules:word-list" for r in wl)
    low = rq.select(rows, low=0.0, high=0.4)
    assert low and all(r.score <= 0.4 for r in low)
    assert all(r.score >= 0.55 for r in rq.select(rows, low=0.55))


def test_order_by_position_score_and_uncertainty(folder):
    articles, ann = folder
    rows = rq.rows(items_of(rq.read_folder(articles, ann, default_schema())), folder=False)
    pos = rq.order(rows, "position")
    assert [(r.first.index, r.first.ann.start) for r in pos] == sorted((r.first.index, r.first.ann.start) for r in rows)
    scores = [r.score for r in rq.order(rows, "score")]
    assert scores == sorted(scores, reverse=True)
    # word-list is right 9 times of 10, name-shape wrong 5 of 5
    est = {
        "rules:word-list": precision.posterior("rules:word-list", 9, 1),
        "rules:name-shape": precision.posterior("rules:name-shape", 0, 5),
    }
    certain = rq.order(rows, "certain", est)
    assert certain[0].rule == "rules:word-list"
    uncertain = rq.order(rows, "uncertain", est)
    # rules with no decisions (probability from their own score, widest interval) come before both
    assert uncertain[0].rule not in est
    assert uncertain.index(next(r for r in uncertain if r.rule == "rules:name-shape")) > 0
    with pytest.raises(ValueError):
        rq.order(rows, "alphabet")


def test_group_decision_across_folder_and_one_undo_restores_every_file(folder):
    articles, ann = folder
    schema = default_schema()
    paths = [store.annotation_path(a, ann) for a in articles]
    before = [p.read_bytes() for p in paths]
    # the first article is open in "the app"
    ws = workspace.open_article(articles[0], ann, schema, user="tester")
    sets = rq.read_folder(articles, ann, schema)
    sets[articles[0]] = ws.session.aset
    row = next(r for r in rq.rows(items_of(sets)) if (r.label, r.text) == ("GPE", "Damascus"))
    opener = rq.folder_opener(articles[0], ws.session, ann, schema, user="tester")
    step = rq.decide(row, ACCEPTED, opener)
    assert step.changed == 6 and step.articles == articles and not step.skipped
    assert ws.session.can_undo  # the open article's part is one step of its session
    for p in paths[1:]:
        got = store.read(p, schema=schema).checked()
        dam = [e for e in got.entities.values() if e.text == "Damascus"]
        assert [e.status for e in dam] == [ACCEPTED, ACCEPTED] and {e.by for e in dam} == {"tester"}
    # a new pending list no longer holds them; the precision counts see the decisions
    sets = rq.read_folder(articles, ann, schema)
    sets[articles[0]] = ws.session.aset
    assert not [r for r in rq.rows(items_of(sets)) if r.text == "Damascus"]
    assert precision.estimate(sets.values())["rules:word-list"].accepted == 6
    # one undo, across the folder
    assert step.undo(opener) == []
    ws.save()
    ws.close()
    assert [p.read_bytes() for p in paths[1:]] == before[1:]
    first = store.read(paths[0], schema=schema).checked()
    assert all(e.status == SUGGESTED for e in first.entities.values() if e.text == "Damascus")


def test_a_locked_article_is_skipped_with_one_line(folder):
    articles, ann = folder
    schema = default_schema()
    other = workspace.open_article(articles[2], ann, schema, user="someone")  # holds the lock
    try:
        sets = rq.read_folder(articles, ann, schema)
        row = next(r for r in rq.rows(items_of(sets)) if (r.label, r.text) == ("GPE", "Damascus"))
        opener = rq.folder_opener(None, None, ann, schema, user="tester")
        locked_before = store.annotation_path(articles[2], ann).read_bytes()
        step = rq.decide(row, REJECTED, opener)
        assert step.changed == 4 and step.articles == articles[:2]
        assert len(step.skipped) == 1 and "a2.txt" in step.skipped[0]
        assert store.annotation_path(articles[2], ann).read_bytes() == locked_before
    finally:
        other.close(save=False)


def test_the_side_panel_shows_the_rule_precision_beside_a_pending_suggestion():
    from annotator.model import AnnotationSet, Document, Entity, Span
    from annotator.suggest.precision import posterior
    from annotator.tui.widgets import details

    text = "Reuters said so."
    sug = Entity("T1", "ORG", Span.of(text, 0, 7), status=SUGGESTED, by="rules:gazetteer", score=0.9)
    aset = AnnotationSet(Document(text))
    aset.entities[sug.id] = sug
    est = {"rules:gazetteer": posterior("rules:gazetteer", 8, 2)}
    shown = details(aset, sug, estimates=est)
    assert f"rule precision {est['rules:gazetteer'].describe()}" in shown
    assert "rule precision" not in details(aset, sug)  # nothing estimated yet: nothing shown


def test_a_pending_relation_is_a_row_placed_at_its_ends(tmp_path):
    """A suggested relation (a relation extractor's, or brat's imported as suggestions)
    made the queue fail: it read the relation's start, which a relation has not."""
    from pathlib import Path

    from annotator.model import Document, Entity, Relation, Span

    text = "The SDF captured Raqqa on Monday."
    aset = store.new_set(Document(text, "a.txt", None), Path("a.yaml"))
    aset.entities["T1"] = Entity("T1", "ORG", Span(((4, 7),), "SDF"))
    aset.entities["T2"] = Entity("T2", "GPE", Span(((17, 22),), "Raqqa"), SUGGESTED, "x", 0.5, "rules:x")
    aset.relations["R1"] = Relation("R1", "CAPTURED", "T1", "T2", SUGGESTED, "re", 0.7, "model:re")
    items = rq.pending(Path("a.txt"), aset)
    assert [(i.ann.id, i.start, i.end) for i in items] == [("R1", 4, 22), ("T2", 17, 22)]
    assert items[0].context.startswith("The [SDF captured Raqqa]")
    rows = rq.rows(items)
    assert [(r.label, r.count) for r in rq.order(rows, "position", {})] == [("CAPTURED", 1), ("GPE", 1)]


def test_the_side_panel_shows_no_rule_precision_for_a_teammates_name():
    """A merge-file conflict leaves both versions pending with their annotators'
    names as `by`: "rule precision ... n=1" for bob was no rule's."""
    from annotator.model import AnnotationSet, Document, Entity, Span
    from annotator.suggest.precision import posterior
    from annotator.tui.widgets import details

    text = "Reuters said so."
    merged = {"merge": {"agree": 1, "of": 2, "side": "ours"}}
    sug = Entity("T1", "ORG", Span.of(text, 0, 7), status=SUGGESTED, by="bob", attrs=merged)
    aset = AnnotationSet(Document(text))
    aset.entities[sug.id] = sug
    est = {"bob": posterior("bob", 1, 0), "rules": posterior("rules", 3, 1)}
    assert "rule precision" not in details(aset, sug, estimates=est)
    legacy = Entity("T2", "ORG", Span.of(text, 0, 7), status=SUGGESTED, by="rules")  # a plain `by: rules`
    aset.entities[legacy.id] = legacy
    assert f"rule precision {est['rules'].describe()}" in details(aset, legacy, estimates=est)
    from annotator.suggest.precision import is_suggester

    assert [is_suggester(n) for n in ("rules", "rules:gazetteer", "spacy:news:ner", "file:gold.jsonl", "bob", "", None)] == [
        True, True, True, True, False, False, False]


def test_accepting_a_row_of_merge_conflict_sides_rejects_the_other_sides(tmp_path):
    """The queue accepted bob's side of each conflict and left alice's pending,
    so the next row accepted a second label for the same spans. Now a side is
    accepted as y accepts it in the app: the other side rejected in the same step."""
    from annotator.model import Document, Entity, Span

    text = "Alice met Bob in Paris.\n"
    arts = tmp_path / "arts"
    arts.mkdir()
    ann = tmp_path / "ann"
    schema = default_schema()
    articles = []
    for i in range(2):
        article = arts / f"a{i}.txt"
        article.write_text(text, encoding="utf-8")
        articles.append(article)
        aset = store.new_set(Document(text, str(article), None), store.annotation_path(article, ann))
        for n, (label, side, by) in enumerate((("GPE", "ours", "bob"), ("LOC", "theirs", "alice")), 1):
            aset.entities[f"T{n}"] = Entity(f"T{n}", label, Span.of(text, 17, 22), SUGGESTED, by,
                                            attrs={"merge": {"agree": 1, "of": 2, "side": side}})
        store.save(aset, store.annotation_path(article, ann))
    sets = rq.read_folder(articles, ann, schema)
    row = next(r for r in rq.rows(items_of(sets)) if (r.label, r.text) == ("GPE", "Paris"))
    assert row.count == 2
    opener = rq.folder_opener(None, None, ann, schema, user="carol")
    step = rq.decide(row, ACCEPTED, opener)
    assert (step.changed, step.rivals) == (2, 2) and not step.skipped
    for article in articles:
        got = store.read(store.annotation_path(article, ann), schema=schema).checked().entities
        assert (got["T1"].status, got["T2"].status) == (ACCEPTED, REJECTED)
    assert step.undo(opener) == []
    for article in articles:
        got = store.read(store.annotation_path(article, ann), schema=schema).checked().entities
        assert (got["T1"].status, got["T2"].status) == (SUGGESTED, SUGGESTED)
