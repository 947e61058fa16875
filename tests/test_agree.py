"""Agreement between annotators: Cohen's kappa equals scikit-learn's, F1 equals the audit's."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator import store
from annotator.articles import read_article
from annotator.audit import NO_LABEL, agreement, agreements, cohen_kappa, score_entities
from annotator.cli import main
from annotator.model import SUGGESTED, AnnotationSet, Document, Entity, Span

LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MISC", "EVT", "LAW")


def sk_kappa(y1, y2):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = cohen_kappa_score(y1, y2)
    return None if k != k else float(k)  # nan -> None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("O",) + LABELS), st.sampled_from(("O",) + LABELS)), min_size=1, max_size=200))
def test_cohen_kappa_equals_sklearn(pairs):
    from collections import Counter

    y1 = [a for a, _ in pairs]
    y2 = [b for _, b in pairs]
    assert cohen_kappa(Counter(pairs)) == sk_kappa(y1, y2)


def test_cohen_kappa_textbook():
    # 50 items; A says yes 25 times, B 30; agree yes 20, no 15: po = 0.7, pe = 0.5, kappa = 0.4
    table = {(True, True): 20, (True, False): 5, (False, True): 10, (False, False): 15}
    assert cohen_kappa(table) == pytest.approx(0.4, abs=1e-15)
    assert cohen_kappa({(True, True): 10}) is None  # one class only: undefined
    assert cohen_kappa({}) is None


# ---------------------------------------------------------------------------
# Token-level kappa from annotations
# ---------------------------------------------------------------------------
def words_text(n: int):
    words = [f"w{i}" for i in range(n)]
    offsets, pos = [], 0
    for w in words:
        offsets.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), offsets


@st.composite
def token_entities(draw, n_tokens: int):
    out, t = [], 0
    while t < n_tokens:
        t += draw(st.integers(0, 3))
        if t >= n_tokens:
            break
        end = min(n_tokens, t + draw(st.integers(1, 3)))
        out.append((t, end, draw(st.sampled_from(LABELS[:4]))))
        t = end
    return out


@st.composite
def two_annotators(draw):
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 25))
        a = draw(token_entities(n))
        b = [e for e in a if draw(st.booleans())] + draw(token_entities(n))
        kept = []
        for e in sorted(b):
            if all(e[0] >= k[1] or e[1] <= k[0] for k in kept):
                kept.append(e)
        docs.append((n, a, kept))
    return docs


def as_set(n, ents) -> AnnotationSet:
    text, offsets = words_text(n)
    aset = AnnotationSet(Document(text))
    for k, (a, b, label) in enumerate(ents):
        aset.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", label, Span.of(text, offsets[a][0], offsets[b - 1][1]))
    return aset


def token_tags(n, ents):
    tags = [NO_LABEL] * n
    for a, b, label in ents:
        for t in range(a, b):
            tags[t] = label
    return tags


@settings(max_examples=300, deadline=None)
@given(two_annotators())
def test_token_kappa_equals_sklearn(docs):
    pairs = [(as_set(n, a), as_set(n, b)) for n, a, b in docs]
    ag = agreement(pairs, "A", "B")
    y1 = [t for n, a, _b in docs for t in token_tags(n, a)]
    y2 = [t for n, _a, b in docs for t in token_tags(n, b)]
    assert ag.tokens == len(y1)
    assert ag.kappa_overall == sk_kappa(y1, y2)
    for label, table in ag.kappa_labels.items():
        assert table.kappa == sk_kappa([t == label for t in y1], [t == label for t in y2]), label
    # F1 is the audit's, with A as gold
    ref = score_entities(pairs)
    assert ag.entities.to_dict() == ref.to_dict()


def test_agreement_by_hand():
    text = "Orhan Qereman met SDF leaders in Hasakeh"
    a, b = AnnotationSet(Document(text)), AnnotationSet(Document(text))
    a.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13))  # Orhan Qereman
    a.entities["T2"] = Entity("T2", "ORG", Span.of(text, 18, 21))  # SDF
    a.entities["T3"] = Entity("T3", "GPE", Span.of(text, 33, 40))  # Hasakeh
    b.entities["T1"] = Entity("T1", "PER", Span.of(text, 6, 13))  # Qereman: partial
    b.entities["T2"] = Entity("T2", "ORG", Span.of(text, 18, 21))
    b.entities["T3"] = Entity("T3", "LOC", Span.of(text, 33, 40))
    b.entities["T4"] = Entity("T4", "ORG", Span.of(text, 22, 29), status=SUGGESTED, by="rules")  # not counted
    ag = agreement([(a, b)], "alice", "bob")
    d = ag.to_dict()
    assert d["tokens"] == 7
    assert d["f1"]["strict"] == 1 / 3
    assert d["f1"]["partial"] == (2 + 0.5) / 3  # SDF, Hasakeh (same span); Qereman partial
    assert d["labels"]["ORG"]["kappa"] == 1.0
    assert d["labels"]["ORG"]["strict_f1"] == 1.0
    # PER: A tags tokens 0,1; B tags token 1 -> po = 6/7, pe = (5*6 + 2*1)/49
    assert d["labels"]["PER"]["kappa"] == pytest.approx(1 - (1 / 7) / (1 - (5 * 6 + 2 * 1) / 49), abs=1e-12)
    assert d["labels"]["GPE"]["kappa"] == 0.0 and d["labels"]["LOC"]["kappa"] == 0.0


def test_agreements_pairs_every_annotator():
    text = "w0 w1 w2"
    sets = {}
    for name in ("a", "b", "c"):
        s = AnnotationSet(Document(text))
        s.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 2))
        sets[name] = {"doc": s}
    res = agreements(sets)
    assert [(r.a, r.b) for r in res] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert all(r.entities.overall["strict"].f1 == 1.0 and r.kappa_overall == 1.0 for r in res)



@st.composite
def panel_of_three(draw):
    """Three annotators, 1-4 articles, entities that may overlap and share spans;
    an annotator may lack an article."""
    n_docs = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 12)) for _ in range(n_docs)]
    out = {}
    for name in ("a", "b", "c"):
        by = {}
        for d, n in enumerate(sizes):
            if draw(st.integers(0, 5)) == 0:
                continue  # this annotator did not annotate it
            ents = []
            for _ in range(draw(st.integers(0, 6))):
                t = draw(st.integers(0, n - 1))
                ents.append((t, min(n, t + draw(st.integers(1, 3))), draw(st.sampled_from(LABELS[:3]))))
            aset = as_set(n, ents)
            if n >= 3 and draw(st.booleans()):  # a discontinuous entity: two words apart
                text, offsets = words_text(n)
                t = draw(st.integers(0, n - 3))
                frags = [offsets[t], offsets[t + 2]]
                k = f"T{len(aset.entities) + 1}"
                aset.entities[k] = Entity(k, draw(st.sampled_from(LABELS[:3])), Span.from_fragments(text, frags))
            by[f"doc{d}"] = aset
        out[name] = by
    return out


@settings(max_examples=200, deadline=None)
@given(panel_of_three())
def test_agreements_equal_each_pair_alone(sets):
    """``agreements`` (every set painted once, counted with numpy) gives what
    ``agreement`` gives for each pair on its own."""
    fast = agreements(sets)
    names = list(sets)
    expected = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    assert [(r.a, r.b) for r in fast] == expected
    for r in fast:
        common = sorted(set(sets[r.a]) & set(sets[r.b]))
        ref = agreement([(sets[r.a][n], sets[r.b][n]) for n in common], r.a, r.b, common)
        assert r.to_dict() == ref.to_dict()
        assert r.kappa_labels == ref.kappa_labels


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------
TEXT = "Orhan Qereman met SDF leaders in Hasakeh on Monday.\n"


def write(root: Path, folder: str, name: str, ents, text=TEXT) -> None:
    article = root / "seeds" / f"{name}.txt"
    article.parent.mkdir(parents=True, exist_ok=True)
    if not article.exists():
        article.write_text(text, encoding="utf-8")
    doc = read_article(article)
    path = root / folder / f"{name}.yaml"
    aset = store.new_set(doc, path)
    for k, (label, word) in enumerate(ents):
        s = doc.text.index(word)
        aset.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", label, Span.of(doc.text, s, s + len(word)), by=folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    store.save(aset, path)


@pytest.fixture
def annotators(tmp_path: Path) -> Path:
    write(tmp_path, "alice", "one", [("PER", "Orhan Qereman"), ("ORG", "SDF"), ("GPE", "Hasakeh")])
    write(tmp_path, "bob", "one", [("PER", "Qereman"), ("ORG", "SDF"), ("LOC", "Hasakeh")])
    write(tmp_path, "carol", "one", [("PER", "Orhan Qereman"), ("ORG", "SDF"), ("GPE", "Hasakeh"), ("DATE", "Monday")])
    write(tmp_path, "alice", "two", [("DATE", "Monday")])
    return tmp_path


def test_agree_json(annotators, capsys):
    dirs = [str(annotators / n) for n in ("alice", "bob", "carol")]
    assert main(["agree", *dirs, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["annotators", "names", "articles", "pairs", "notes", "documents", "bootstrap", "layers"]
    assert data["names"] == ["alice", "bob", "carol"]
    assert [(p["a"], p["b"]) for p in data["pairs"]] == [(dirs[0], dirs[1]), (dirs[0], dirs[2]), (dirs[1], dirs[2])]
    ab = data["pairs"][0]
    assert ab["articles"] == ["one"]
    assert ab["f1"]["strict"] == 1 / 3
    assert ab["labels"]["ORG"]["kappa"] == 1.0
    ac = data["pairs"][1]
    assert ac["f1"]["strict"] == 2 * (1.0 * 0.75) / 1.75  # carol adds Monday: P 3/4 (alice as reference), R 1
    assert any("two" in n for n in data["notes"])


def test_agree_tables(annotators, capsys):
    assert main(["agree", str(annotators / "alice"), str(annotators / "bob"), "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| label | strict F1 | partial F1 | kappa |" in out
    assert "| ORG | 1.0000 | 1.0000 | 1.0000 |" in out
    assert main(["agree", str(annotators / "alice"), str(annotators / "bob")]) == 0
    assert "kappa" in capsys.readouterr().out


def test_agree_bad_input(annotators, capsys):
    assert main(["agree", str(annotators / "alice")]) == 2
    assert "two or more" in capsys.readouterr().err
    assert main(["agree", str(annotators / "alice"), str(annotators / "nobody")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nobody" in err
