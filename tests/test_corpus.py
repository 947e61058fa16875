"""The folder's progress (annotator/corpus.py) and `annotator status`."""

import json
import re
import subprocess
import sys
import shutil

import pytest

from annotator import corpus, store
from annotator.cli import main
from annotator.lock import acquire
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Event, Span
from annotator.schema import default_schema

from .conftest import ROOT, SEED

ORDER = [lab.name for lab in default_schema().entities]


def make_folder(tmp_path):
    """Articles: the seed with its gold, one with suggestions (one accepted, one
    pending, one rejected), one with a lost span, one new, one with a broken file."""
    arts = tmp_path / "articles"
    ann = tmp_path / "annotations"
    arts.mkdir()
    ann.mkdir()
    shutil.copyfile(SEED, arts / SEED.name)
    gold = (ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml").read_text(encoding="utf-8")
    (ann / "sdf-captures-deir-el-zor.yaml").write_text(gold.replace("../seeds/", "../articles/"), encoding="utf-8")

    text = "Mazloum Abdi told Reuters that fighters withdrew from Manbij.\n"
    (arts / "b-review.txt").write_text(text, encoding="utf-8")
    aset = AnnotationSet(Document(text, "../articles/b-review.txt"))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 12), by="alice")
    aset.entities["T2"] = Entity("T2", "ORG", Span.of(text, 18, 25), status=SUGGESTED, by="rules", score=0.5)
    aset.entities["T3"] = Entity("T3", "GPE", Span.of(text, 54, 60), status=REJECTED, by="rules")
    aset.events["E1"] = Event("E1", "Conflict.Withdraw", Span.of(text, 40, 47), by="bob")
    store.save(aset, ann / "b-review.yaml")

    (arts / "c-lost.txt").write_text(text, encoding="utf-8")
    lost = AnnotationSet(Document(text, "../articles/c-lost.txt"))
    lost.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 12), by="alice", attrs={"lost": True})
    store.save(lost, ann / "c-lost.yaml")

    (arts / "d-new.txt").write_text("Nothing annotated here yet.\n", encoding="utf-8")
    (arts / "e-bad.txt").write_text("Bad.\n", encoding="utf-8")
    (ann / "e-bad.yaml").write_text("format: annotator/1\nentities: [oops\n", encoding="utf-8")
    return arts, ann


def test_scan_counts_each_article_and_the_folder(tmp_path):
    arts, ann = make_folder(tmp_path)
    articles = sorted(arts.iterdir())
    stats = corpus.scan(articles, ann, ORDER)
    rows = {r.name: r for r in stats.articles}
    assert [r.name for r in stats.articles] == ["b-review", "c-lost", "d-new", "e-bad", "sdf-captures-deir-el-zor"]

    b = rows["b-review"]
    assert (b.entities, b.events, b.pending, b.rejected, b.lost) == (1, 1, 1, 1, 0)
    assert b.by == {"alice": 1, "bob": 1}
    assert b.labels == {"PER": 1} and b.event_types == {"Conflict.Withdraw": 1}
    assert b.state == "review" and not b.done

    assert rows["c-lost"].lost == 1 and rows["c-lost"].state == "review"
    assert rows["d-new"].yaml is None and rows["d-new"].state == "new" and rows["d-new"].saved == "-"
    bad = rows["e-bad"]
    assert bad.state == "error" and bad.error.startswith(str(ann / "e-bad.yaml") + ":")
    assert bad.text("entities") == "-"

    # The gold, counted independently of corpus.py: every accepted entity by label.
    gold = store.read(ann / "sdf-captures-deir-el-zor.yaml").checked()
    seed = rows["sdf-captures-deir-el-zor"]
    assert seed.entities == len(gold.entities) and seed.events == len(gold.events)
    assert seed.attributions == len(gold.attributions)
    assert seed.done and seed.saved == "saved"
    by_label = {}
    for e in gold.entities.values():
        by_label[e.label] = by_label.get(e.label, 0) + 1
    assert seed.labels == {k: by_label[k] for k in ORDER if k in by_label}  # the schema's order

    assert (stats.total, stats.done, stats.errors) == (5, 1, 1)
    assert stats.progress == pytest.approx(0.2)
    assert stats.labels["PER"] == by_label["PER"] + 2  # + the accepted PER of b-review and of c-lost
    assert stats.states() == {"done": 1, "review": 2, "started": 0, "new": 1, "error": 1}


def test_open_session_and_journal_show_as_unsaved(tmp_path):
    arts, ann = make_folder(tmp_path)
    (ann / ".b-review.journal").write_text('{"journal": "annotator/1"}\n{"v": 1}\n', encoding="utf-8")
    (ann / ".c-lost.journal").write_text('{"journal": "annotator/1"}\n', encoding="utf-8")  # header only: folded
    held = acquire(ann / "c-lost.yaml")  # this process holds it, as the app would
    # A lock left by a process of this machine that is gone (a crash): stale, not held.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    record = json.loads((ann / ".c-lost.lock").read_text(encoding="utf-8"))
    (ann / ".d-new.lock").write_text(json.dumps({**record, "pid": gone.pid}), encoding="utf-8")
    try:
        rows = {r.name: r for r in corpus.scan(sorted(arts.iterdir()), ann).articles}
    finally:
        held.release()
    assert rows["b-review"].saved == "unsaved"
    assert rows["c-lost"].saved == "open" and not rows["c-lost"].unsaved
    assert not rows["d-new"].locked
    assert corpus.scan(sorted(arts.iterdir()), ann).articles[1].saved == "saved"  # released


def test_filters_and_sorting():
    rows = [
        corpus.ArticleStats("a", 0, entities=3, pending=0, by={"alice": 3}),
        corpus.ArticleStats("b", 1, entities=0, pending=2, by={"rules": 1}),
        corpus.ArticleStats("c", 2, entities=5, pending=2, by={"bob": 1, "alice": 4}),
    ]
    names = lambda rs: [r.name for r in rs]  # noqa: E731
    assert names(corpus.filter_rows(rows, {"pending": ">0"})) == ["b", "c"]
    assert names(corpus.filter_rows(rows, {"pending": "0"})) == ["a"]
    assert names(corpus.filter_rows(rows, {"entities": ">=3", "by": "alice"})) == ["a", "c"]
    assert names(corpus.filter_rows(rows, {"by": "!alice"})) == ["b"]
    assert names(corpus.filter_rows(rows, {"name": "=B"})) == ["b"]
    assert names(corpus.sort_rows(rows, "entities", reverse=True)) == ["c", "a", "b"]
    assert names(corpus.sort_rows(rows, "pending", reverse=True)) == ["b", "c", "a"]  # ties: folder order
    assert names(corpus.sort_rows(rows, "pending")) == ["a", "b", "c"]
    with pytest.raises(ValueError):
        corpus.parse_condition("pending", ">x")


def test_status_json_has_stable_keys_and_reports_the_bad_file(tmp_path, capsys):
    arts, ann = make_folder(tmp_path)
    code = main(["status", str(arts), "--annotations", str(ann), "--json"])
    out, err = capsys.readouterr()
    assert code == 2  # one file could not be read; the rest is counted
    data = json.loads(out)
    assert list(data) == [
        "paths", "annotations", "articles", "done", "progress", "done_rule", "states", "totals",
        "labels", "event_types", "by", "errors", "rows",
    ]
    assert data["articles"] == 5 and data["done"] == 1 and data["errors"] == 1
    row = data["rows"][0]
    assert list(row) == [
        "name", "article", "annotations", "state", "done", "entities", "events", "attributions",
        "relations", "pending", "rejected", "lost", "rejected_links", "by", "labels", "event_types", "unsaved",
        "locked", "error",
    ]
    assert [r["state"] for r in data["rows"]] == ["review", "review", "new", "error", "done"]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and re.match(rf"annotator: {re.escape(str(ann / 'e-bad.yaml'))}:\d+: ", lines[0])


def test_status_counts_accepted_links_to_rejected_entities_and_the_article_is_not_done(tmp_path, capsys):
    from annotator.model import Argument, Attribution, Ref, Relation

    arts, ann = make_folder(tmp_path)
    (ann / "e-bad.yaml").unlink()
    text = (arts / "b-review.txt").read_text(encoding="utf-8")
    aset = AnnotationSet(Document(text, "../articles/b-review.txt"))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 12), by="alice")
    aset.entities["T3"] = Entity("T3", "GPE", Span.of(text, 54, 60), status=REJECTED, by="bob")  # a merge took bob's rejection
    aset.events["E1"] = Event("E1", "Conflict.Withdraw", Span.of(text, 40, 47), (Argument("Origin", "T3"),), by="alice")
    aset.attributions["A1"] = Attribution("A1", Ref("T3"), Span.of(text, 13, 17), None, by="alice")
    aset.relations["R1"] = Relation("R1", "near", "T1", "T3", by="alice")
    aset.relations["R2"] = Relation("R2", "near", "T3", "T1", status=SUGGESTED, by="rules")  # a suggestion: not counted
    for name in ("b-review", "f-hand"):  # the store's own lines (counted from them) and a hand edit (read)
        store.save(aset, ann / f"{name}.yaml")
    hand = (ann / "f-hand.yaml").read_text(encoding="utf-8").replace("role: Origin", 'role: "Origin"')
    (ann / "f-hand.yaml").write_text("# edited\n" + hand, encoding="utf-8")
    assert corpus.count_lines((ann / "b-review.yaml").read_text(encoding="utf-8")) is not None
    assert corpus.count_lines("# edited\n" + hand) is None
    code = main(["status", str(ann), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    rows = {r["name"]: r for r in data["rows"]}
    for name in ("b-review", "f-hand"):
        assert rows[name]["rejected_links"] == 3 and rows[name]["state"] == "review" and not rows[name]["done"]
    assert rows["sdf-captures-deir-el-zor"]["rejected_links"] == 0
    assert data["totals"]["rejected_links"] == 6
    main(["status", str(ann)])
    out = capsys.readouterr().out
    assert "accepted links to rejected entities in b-review (3), f-hand (3)" in " ".join(out.split())


def test_status_of_a_folder_of_annotation_files(tmp_path, capsys):
    arts, ann = make_folder(tmp_path)
    (ann / "e-bad.yaml").unlink()
    code = main(["status", str(ann), "--json", "--fail-under", "0.5"])
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 3 and data["done"] == 1
    assert code == 1  # 1 of 3 done is under a half
    assert main(["status", str(ann), "--json", "--fail-under", "0.3"]) == 0


@pytest.mark.parametrize("width", [50, 80, 132])
def test_status_table_fits_the_width_and_titles_stay_whole(tmp_path, width, monkeypatch, capsys):
    arts, ann = make_folder(tmp_path)
    monkeypatch.setenv("COLUMNS", str(width))
    main(["status", str(arts), "--annotations", str(ann)])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    header = next(line for line in lines if line.startswith("article"))
    titles = header.split()
    assert titles[0] == "article" and "state" in titles
    allowed = {t for k, t in corpus.COLUMNS} | set(corpus.SHORT_TITLES.values())
    assert set(titles) <= allowed  # no title cut or wrapped onto another line
    assert "1/5 done (20%)" in out
    if width >= 80:
        assert "b-review" in out
        # a long name is cut in the middle: its start and its end both show
        assert "sdf-captures-deir-el-zor" in out if width > 80 else "sdf-captur…eir-el-zor" in out


def test_status_bad_usage(tmp_path, capsys):
    assert main(["status", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["status", str(empty)]) == 2
    assert "no .txt articles and no .yaml" in capsys.readouterr().err


# -- the line counter agrees with the store's reader ------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from annotator.model import Argument, Attribution, Ref, Relation  # noqa: E402

TEXT = 'He said: "no, never" — {x} [y] #z 日本 🎉 lost: true, by: rules\n' * 3
# Mostly what real files hold (the line counter's case), some of what it hands to the store.
NAMES = ["PER", "ORG", "Conflict.Attack", "a b", "x:y", "日本"] * 6 + ["a, b", '"q"', "null", "-", "#x"]
WHO = [None, "alice", "rules", "spacy:en_core_web_sm", "a b"] * 6 + ["x,y", '"q"', "true"]
ATTRS = [
    {}, {"lost": True}, {"lost": False}, {"lost": ["trigger"]}, {"lost": 0}, {"lost": ""}, {"note": "lost: true"},
    {"note": 'x, "lost: y"', "Realis": "actual"}, {"lost": None}, {"wikidata": "Q1, Q2"},
] * 3 + [{"a": {"lost": True}}]


@st.composite
def annotation_sets(draw):
    aset = AnnotationSet(Document(TEXT))
    spans = st.tuples(st.integers(0, len(TEXT) - 2), st.integers(1, 12)).map(
        lambda p: Span.of(TEXT, p[0], min(len(TEXT), p[0] + p[1]))
    )
    common = st.fixed_dictionaries({
        "status": st.sampled_from([ACCEPTED, SUGGESTED, REJECTED]),
        "by": st.sampled_from(WHO),
        "score": st.one_of(st.none(), st.floats(0, 1)),
        "attrs": st.sampled_from(ATTRS),
    })
    for n in range(draw(st.integers(0, 6))):
        aset.entities[f"T{n + 1}"] = Entity(f"T{n + 1}", draw(st.sampled_from(NAMES)), draw(spans), **draw(common))
    refs = list(aset.entities)
    for n in range(draw(st.integers(0, 3))):
        args = tuple(Argument("Agent", r) for r in refs[:2])
        aset.events[f"E{n + 1}"] = Event(f"E{n + 1}", draw(st.sampled_from(NAMES)), draw(spans), args, **draw(common))
    for n in range(draw(st.integers(0, 3))):
        source = Ref(refs[0]) if refs and draw(st.booleans()) else draw(st.one_of(st.none(), spans))
        aset.attributions[f"A{n + 1}"] = Attribution(
            f"A{n + 1}", source, draw(spans), draw(spans), draw(st.sampled_from([None, "direct"])), **draw(common)
        )
    if len(refs) >= 2:
        for n in range(draw(st.integers(0, 2))):
            aset.relations[f"R{n + 1}"] = Relation(f"R{n + 1}", draw(st.sampled_from(NAMES)), refs[0], refs[1], **draw(common))
    return aset


FIELDS = (
    "entities", "events", "attributions", "relations", "pending", "rejected", "lost", "rejected_links", "by", "labels",
    "event_types",
)


@settings(max_examples=300, deadline=None)
@given(annotation_sets())
def test_the_line_counter_counts_what_the_store_reads(aset):
    text = store.dumps(aset)
    fast = corpus.count_lines(text)
    slow = corpus.fill_from_set(corpus.ArticleStats("x", 0), store.read(text=text).checked())
    if fast is not None:
        row = corpus.fill_from_counts(corpus.ArticleStats("x", 0), fast)
        assert {f: getattr(row, f) for f in FIELDS} == {f: getattr(slow, f) for f in FIELDS}


def test_the_line_counter_takes_the_store_own_files():
    gold = (ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml").read_text(encoding="utf-8")
    assert corpus.count_lines(gold) is not None
    assert corpus.count_lines(gold.replace("events:\n", "# a comment\nevents:\n", 1)) is None  # a hand edit: slow path
    assert corpus.count_lines("format: annotator/1\nentities: [oops\n") is None


def test_status_takes_the_annotations_folder_from_the_settings(tmp_path, monkeypatch, capsys):
    arts, ann = make_folder(tmp_path)
    (ann / "e-bad.yaml").unlink()
    work = tmp_path / "work"
    work.mkdir()
    (work / "annotator.toml").write_text(f'annotations = "{ann.as_posix()}"\n', encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert main(["status", str(arts), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["annotations"] == str(ann) and data["done"] == 1
    # an option wins over the file
    assert main(["status", str(arts), "--annotations", str(tmp_path / "none"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["done"] == 0


def test_status_shows_an_article_that_cannot_be_opened_as_an_error(tmp_path, capsys):
    """A binary, non-UTF-8, empty or blank .txt is an ``error`` row with the line opening it
    would give (not a "new" article); its annotation file is not read; the rest is counted."""
    from annotator.articles import read_article
    from annotator.errors import InputError

    arts, ann = make_folder(tmp_path)
    (arts / "e-bad.txt").unlink()
    (ann / "e-bad.yaml").unlink()
    (arts / "f-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (arts / "g-latin1.txt").write_bytes("Caf\xe9 in Manbij.\n".encode("latin-1"))
    (arts / "h-empty.txt").write_bytes(b"")
    (arts / "i-blank.txt").write_text(" \n\n\t\n", encoding="utf-8")
    # an article turned binary after it was annotated: the row is an error, its file is not read
    shutil.copyfile(arts / "b-review.txt", arts / "j-was-text.txt")
    shutil.copyfile(ann / "b-review.yaml", ann / "j-was-text.yaml")
    (arts / "j-was-text.txt").write_bytes(b"\x00" * 64)
    bad = ["f-binary", "g-latin1", "h-empty", "i-blank", "j-was-text"]

    code = main(["status", str(arts), "--annotations", str(ann), "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    data = json.loads(out)
    rows = {r["name"]: r for r in data["rows"]}
    assert data["articles"] == 9 and data["errors"] == len(bad) and data["done"] == 1
    assert [n for n, r in rows.items() if r["state"] == "error"] == bad
    assert rows["d-new"]["state"] == "new" and rows["b-review"]["state"] == "review"
    assert rows["j-was-text"]["entities"] == 0 and rows["j-was-text"]["annotations"] == str(ann / "j-was-text.yaml")
    for name in bad:
        with pytest.raises(InputError) as opened:
            read_article(arts / f"{name}.txt")
        assert rows[name]["error"] == opened.value.message  # the same line as opening it
    assert err.splitlines() == [f"annotator: {rows[n]['error']}" for n in bad]
    assert "binary" in rows["f-binary"]["error"] and "UTF-8" in rows["g-latin1"]["error"]
    assert "empty" in rows["h-empty"]["error"] and "empty" in rows["i-blank"]["error"]


def test_a_scan_with_a_cache_reads_only_what_changed_and_counts_the_same(tmp_path, monkeypatch):
    arts, ann = make_folder(tmp_path)
    articles = sorted(arts.iterdir())
    first = corpus.scan(articles, ann, ORDER)
    plain = first.to_dict()
    read, checked = [], []
    real_read, real_check = corpus.read_file_stats, corpus.article_check
    monkeypatch.setattr(corpus, "read_file_stats", lambda row, path, order=(), **kw: read.append(path.name) or real_read(row, path, order, **kw))
    monkeypatch.setattr(corpus, "article_check", lambda p: checked.append(p.name) or real_check(p))
    cache = corpus.ScanCache()
    assert corpus.scan(articles, ann, ORDER, cache=cache).to_dict() == plain
    assert sorted(read) == ["b-review.yaml", "c-lost.yaml", "e-bad.yaml", "sdf-captures-deir-el-zor.yaml"]
    assert len(checked) == len(articles)
    read.clear(), checked.clear()
    assert corpus.scan(articles, ann, ORDER, cache=cache).to_dict() == plain
    assert read == [] and checked == []
    # a changed annotation file and an article that became unreadable are read again
    text = (ann / "b-review.yaml").read_text(encoding="utf-8")
    (ann / "b-review.yaml").write_text(text.replace("status: rejected", "status: accepted"), encoding="utf-8")
    (arts / "d-new.txt").write_bytes(b"\x00\x01binary")
    rows = {r.name: r for r in corpus.scan(articles, ann, ORDER, cache=cache).articles}
    assert read == ["b-review.yaml"] and checked == ["d-new.txt"]
    assert rows["b-review"].accepted == first.articles[0].accepted + 1
    assert rows["d-new"].error and "d-new.txt" in rows["d-new"].error



def changed_and_missing(tmp_path):
    """ann/a.yaml saved against an article edited since ('Acme Corp' is gone from it),
    ann/b.yaml whose article was never there, ann/c.yaml done (its article as saved)."""
    from annotator.articles import read_article

    arts, ann = tmp_path / "articles", tmp_path / "ann"
    arts.mkdir(), ann.mkdir()
    for name in ("a", "b", "c"):
        (arts / f"{name}.txt").write_text("Acme Corp hired John Smith in Paris.\n", encoding="utf-8")
        doc = read_article(arts / f"{name}.txt")
        aset = store.new_set(doc, ann / f"{name}.yaml")
        aset.entities["T1"] = Entity("T1", "ORG", Span.of(doc.text, 0, 9), by="bob")
        aset.entities["T2"] = Entity("T2", "PER", Span.of(doc.text, 16, 26), by="bob")
        store.save(aset, ann / f"{name}.yaml")
    (arts / "a.txt").write_text("Initech hired John Smith in Paris.\n", encoding="utf-8")
    (arts / "b.txt").unlink()
    return arts, ann


def test_status_looks_at_each_article_as_opening_it_would(tmp_path, capsys):
    arts, ann = changed_and_missing(tmp_path)
    code = main(["status", str(ann), "--json"])
    out, err = capsys.readouterr()
    assert code == 2  # the missing article
    rows = {r["name"]: r for r in json.loads(out)["rows"]}
    # T1 'Acme Corp' is lost; T2 'John Smith', 2 characters back, is re-found as the app does
    assert rows["a"]["state"] == "review" and rows["a"]["lost"] == 1 and rows["a"]["entities"] == 2
    assert rows["b"]["state"] == "error" and "no such article file" in rows["b"]["error"]
    assert rows["b"]["error"].startswith(str(ann / "b.yaml") + ": article ../articles/b.txt")
    assert rows["c"]["state"] == "done"
    assert err.splitlines() == [f"annotator: {rows['b']['error']}"]
    (arts / "b.txt").write_text("Acme Corp hired John Smith in Paris.\n", encoding="utf-8")
    assert main(["status", str(ann), "--json", "--fail-under", "1"]) == 1  # a.yaml: lost, not done
    data = json.loads(capsys.readouterr().out)
    assert data["states"] == {"done": 2, "review": 1, "started": 0, "new": 0, "error": 0}


def test_status_of_articles_and_the_corpus_view_agree_on_a_changed_article(tmp_path, capsys):
    from annotator.articles import read_article

    arts, ann = changed_and_missing(tmp_path)
    (arts / "b.txt").write_text("Acme Corp hired John Smith in Paris.\n", encoding="utf-8")
    # the app's corpus view counts the open article from its session: the same as the scan
    got = store.read(ann / "a.yaml", article=read_article(arts / "a.txt"), editing=True)
    live = corpus.fill_from_set(corpus.ArticleStats("a", 0), got.aset, ORDER)
    for cache in (None, corpus.ScanCache()):
        row = corpus.scan(sorted(arts.iterdir()), ann, ORDER, cache=cache).articles[0]
        assert (row.state, row.lost, row.entities) == (live.state, live.lost, live.entities) == ("review", 1, 2)
    assert main(["status", str(arts), "--annotations", str(ann), "--json", "--fail-under", "0.9"]) == 1
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["state"] for r in rows] == ["review", "done", "done"]
