"""`annotator train`: a spaCy pipeline and a lexicon learned from the gold, used by
`suggest --with spacy:MODEL_DIR` and `--with rules --learn-from DIR`."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.model import ACCEPTED, AnnotationSet, Attribution, Document, Entity, Ref, Span
from annotator.schema import default_schema
from annotator.suggest import get_suggester, merge
from annotator.suggest.base import split_by
from annotator.suggest.learned import LEXICON_FILE, Knowledge
from annotator.suggest.training import INSTALL_HINT

SENTENCES = [
    "Zorblat Quenx visited Plimtown on Monday.",
    "In Plimtown, Zorblat Quenx met the Varnok Guild.",
    "The Varnok Guild welcomed Zorblat Quenx to Plimtown.",
    "Zorblat Quenx left Plimtown for the coast.",
    "The village elder insisted that the well was dry.",
]
NAMES = {"Zorblat Quenx": "PER", "Plimtown": "GPE", "Varnok Guild": "ORG"}


def _gold_folder(tmp_path: Path, sub: str = "") -> Path:
    """Two articles of made-up names (so nothing was known before), annotated; with
    ``sub``, in that subfolder of the texts and of the gold, as ``import`` writes a
    collection (``gold/news/a0.yaml`` for ``texts/news/a0.txt``)."""
    texts = tmp_path / "texts" / sub
    texts.mkdir(parents=True)
    gold = tmp_path / "gold"
    for k in range(2):
        article = texts / f"a{k}.txt"
        text = "\n".join(SENTENCES[k:] + SENTENCES[:k]) + "\n"
        article.write_text(text, encoding="utf-8")
        yaml_path = gold / sub / f"a{k}.yaml"
        aset = store.new_set(read_article(article), yaml_path)
        n = 0
        for name, label in NAMES.items():
            start = text.find(name)
            while start >= 0:
                n += 1
                aset.entities[f"T{n}"] = Entity(f"T{n}", label, Span.of(text, start, start + len(name)), by="alice")
                start = text.find(name, start + 1)
        cue = text.index("insisted")
        src = text.index("The village elder")
        content = text.index("the well was dry")
        aset.attributions["A1"] = Attribution(
            "A1", Span.of(text, src, src + 17), Span.of(text, cue, cue + 8), Span.of(text, content, content + 16),
            type="indirect", by="alice",
        )
        store.save(aset, yaml_path)
    return gold


def _suggest(spec: str, text: str, **kw) -> list:
    aset = AnnotationSet(Document(text, None, "f" * 64))
    sugg = get_suggester(spec, default_schema(), None, **kw)
    return merge(aset, sugg.propose(aset), sugg.name)


def test_trained_model_suggests_what_it_was_taught(tmp_path, capsys):
    pytest.importorskip("spacy")
    gold = _gold_folder(tmp_path)
    model = tmp_path / "model"
    assert main(["train", str(gold), "-o", str(model), "--steps", "40"]) == 0
    out = capsys.readouterr().out
    assert "trained on 2 article(s)" in out and "GPE, ORG, PER" in out
    assert (model / "config.cfg").is_file() and (model / LEXICON_FILE).is_file()

    text = "Yesterday Zorblat Quenx arrived in Plimtown again.\nThe village elder insisted that the road was closed.\n"
    new = _suggest(f"spacy:{model}", text)
    ents = {(e.text, e.label) for e in new if isinstance(e, Entity)}
    assert ("Zorblat Quenx", "PER") in ents or ("Plimtown", "GPE") in ents
    assert all(split_by(e.by)[0] == "spacy:model" and split_by(e.by)[1] in ("ner", "spancat") for e in new if isinstance(e, Entity))
    # The lexicon of the same gold: the unknown cue "insisted" and its source.
    ats = [a for a in new if isinstance(a, Attribution)]
    assert [(a.cue.text, a.content.text) for a in ats] == [("insisted", "the road was closed")]
    assert isinstance(ats[0].source, Span) and ats[0].source.text == "The village elder"


def test_rules_learn_cues_sources_and_names_from_gold_folders(tmp_path):
    gold = _gold_folder(tmp_path)
    text = "Zorblat Quenx spoke.\nYesterday in the square the village elder insisted that the road was closed.\n"
    plain = _suggest("rules", text)
    assert not [a for a in plain if isinstance(a, Attribution)]  # "insisted" is no schema cue
    learned = _suggest("rules", text, learn_from=[gold])
    ats = [a for a in learned if isinstance(a, Attribution)]
    assert [(a.cue.text, a.content.text, a.source.text) for a in ats] == [
        ("insisted", "the road was closed", "the village elder")
    ]
    # The sentence's first words are not the source: the source phrase of the gold is.
    assert split_by(ats[0].by) == ("rules", "content-after+source")
    ents = {(e.text, e.label, e.by) for e in learned if isinstance(e, Entity)}
    assert ("Zorblat Quenx", "PER", "rules:gazetteer") in ents
    # The same from a saved lexicon (a MODEL_DIR) instead of the folder.
    k = Knowledge()
    for path in sorted(gold.glob("*.yaml")):
        k.learn_set(store.read(path, schema=default_schema()).checked())
    saved = tmp_path / "lex"
    saved.mkdir()
    k.save(saved)
    assert Knowledge.load(saved) == k
    again = _suggest("rules", text, learn_from=[saved])
    assert [(a.cue.text, a.source.text) for a in again if isinstance(a, Attribution)] == [("insisted", "the village elder")]


def test_learn_from_a_missing_folder_is_one_line(tmp_path, capsys, monkeypatch):
    article = tmp_path / "a.txt"
    article.write_text("Hello there.\n")
    monkeypatch.chdir(tmp_path)
    assert main(["suggest", str(article), "--with", "rules", "--learn-from", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err == "annotator: nowhere: is not a folder (--learn-from)\n"
    assert not (tmp_path / "annotations").exists()


def test_learned_shapes_of_the_seed_gold():
    gold = store.read(Path(__file__).resolve().parent.parent / "annotations" / "sdf-captures-deir-el-zor.yaml", schema=default_schema()).checked()
    k = Knowledge()
    k.learn_set(gold)
    assert "Two security sources based in eastern Syria" in k.sources
    assert sum(k.cue_shapes["said"].values()) >= 2 and "told" in k.cue_shapes
    assert all(at.status == ACCEPTED for at in gold.attributions.values())
    assert any(isinstance(at.source, Ref) for at in gold.attributions.values())


def test_without_spacy_train_says_what_to_install_and_rules_still_work(monkeypatch, tmp_path, capsys):
    real_import = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError("No module named 'spacy'")
        return real_import(name, *args, **kwargs)

    for mod in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", no_spacy)
    gold = _gold_folder(tmp_path)
    assert main(["train", str(gold), "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err == f"annotator: annotator train: {INSTALL_HINT}\n"
    assert not (tmp_path / "m").exists()
    # Everything else works: the rules, learning from the gold folder.
    article = tmp_path / "texts" / "a0.txt"
    monkeypatch.chdir(tmp_path)
    assert main(["suggest", str(article), "--with", "rules", "--learn-from", str(gold), "--annotations", "out"]) == 0
    assert "new suggestions" in capsys.readouterr().out


def test_learn_from_is_for_the_rules(tmp_path):
    from annotator.errors import InputError

    with pytest.raises(InputError, match="--learn-from: is for --with rules"):
        get_suggester("file:x.yaml", default_schema(), None, learn_from=[tmp_path])


def test_train_on_an_imported_corpus_without_its_schema_says_to_give_it(tmp_path, capsys, monkeypatch):
    """A brat corpus just imported (labels the default schema lacks): train without
    --schema names the skipped files' reason and the schema import wrote."""
    pytest.importorskip("spacy")
    monkeypatch.chdir(tmp_path)
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "d1.txt").write_text("Patients with cystic fibrosis and asthma.\n")
    (brat / "d1.ann").write_text("T1\tDisease 14 29\tcystic fibrosis\nT2\tDisease 34 40\tasthma\n")
    (brat / "annotation.conf").write_text("[entities]\nDisease\n[relations]\n[events]\n[attributes]\n")
    assert main(["import", "--from", "brat", "brat", "--annotations", "ann"]) == 0
    capsys.readouterr()
    assert main(["train", "ann", "-o", "model", "--steps", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "1 of 1 skipped for labels the schema lacks" in err[0] and "'Disease'" in err[0]
    assert "--schema ann/schemas/brat.yaml" in err[0]


def _nested_gold(tmp_path: Path) -> Path:
    """The gold in ``gold/news/`` beside the schema import writes (``gold/schemas/``),
    a journal and a hidden broken copy: what ``import`` and the app leave there."""
    gold = _gold_folder(tmp_path, "news")
    (gold / "schemas").mkdir()
    (gold / "schemas" / "news.yaml").write_text("entities: [{name: PER}, {name: ORG}, {name: GPE}]\nevents: []\n")
    (gold / "news" / ".a0.journal").write_text('{"journal": "annotator/1"}\n')
    (gold / "news" / ".old.yaml").write_text("format: annotator/1\nentities: [broken\n")
    return gold


def test_the_rules_learn_from_gold_in_subfolders(tmp_path):
    """``--learn-from DIR`` and the annotations folder are read with their subfolders,
    as every folder of annotation files is (it was one level only: nothing learned)."""
    gold = _nested_gold(tmp_path)
    text = "Zorblat Quenx spoke.\nYesterday in the square the village elder insisted that the road was closed.\n"
    learned = _suggest("rules", text, learn_from=[gold])
    assert [(a.cue.text, a.source.text) for a in learned if isinstance(a, Attribution)] == [("insisted", "the village elder")]
    assert ("Zorblat Quenx", "PER") in {(e.text, e.label) for e in learned if isinstance(e, Entity)}
    # The same gold as the annotations folder of a new article.
    aset = AnnotationSet(Document(text, None, "f" * 64))
    sugg = get_suggester("rules", default_schema(), gold)
    got = merge(aset, sugg.propose(aset), sugg.name)
    assert sugg.learned_files("f" * 64) == 2 and not sugg.notes
    assert ("Zorblat Quenx", "PER", "rules:gazetteer") in {(e.text, e.label, e.by) for e in got if isinstance(e, Entity)}


def test_gold_sets_read_subfolders_and_leave_out_schemas_and_hidden_files(tmp_path):
    from annotator.suggest.training import gold_sets

    gold = _nested_gold(tmp_path)
    sets, notes = gold_sets([gold], default_schema())
    assert sorted(Path(s.document.path).name for s in sets) == ["a0.txt", "a1.txt"] and notes == []


def test_train_reads_the_subfolders_import_wrote(tmp_path, capsys):
    pytest.importorskip("spacy")
    gold = _nested_gold(tmp_path)
    assert main(["train", str(gold), "-o", str(tmp_path / "model"), "--steps", "1"]) == 0
    assert "trained on 2 article(s)" in capsys.readouterr().out


def test_train_of_a_subfolder_names_the_schema_import_wrote_above_it(tmp_path, capsys, monkeypatch):
    """``train ann/news`` of an import into ``ann/``: its schema is ``ann/schemas/``,
    one level up, and the one line names it."""
    pytest.importorskip("spacy")
    monkeypatch.chdir(tmp_path)
    brat = tmp_path / "brat" / "news"
    brat.mkdir(parents=True)
    (brat / "d1.txt").write_text("Patients with cystic fibrosis and asthma.\n")
    (brat / "d1.ann").write_text("T1\tDisease 14 29\tcystic fibrosis\nT2\tDisease 34 40\tasthma\n")
    (brat / "annotation.conf").write_text("[entities]\nDisease\n[relations]\n[events]\n[attributes]\n")
    assert main(["import", "--from", "brat", "brat", "--annotations", "ann"]) == 0
    capsys.readouterr()
    assert (tmp_path / "ann" / "news" / "d1.yaml").is_file()
    for folder in ("ann", "ann/news"):
        assert main(["train", folder, "-o", "model", "--steps", "1"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"annotator: {folder}: no annotation files to learn from: 1 of 1 skipped")
        assert "--schema ann/schemas/" in err[0], err[0]
