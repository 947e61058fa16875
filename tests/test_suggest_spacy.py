"""`spacy:NAME_OR_PATH`: a real pipeline (blank English + entity_ruler) saved and loaded by path."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator import store
from annotator.articles import read_article
from annotator.errors import InputError
from annotator.model import SUGGESTED, AnnotationSet, Document, Entity
from annotator.schema import default_schema
from annotator.suggest import get_suggester, suggest_into
from annotator.suggest.spacy_pipeline import INSTALL_HINT, _pieces

spacy = pytest.importorskip("spacy")

TEXT = "Mazlum Abdi said the SDF captured Raqqa on Friday; 3 people died.\n"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Path:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Mazlum Abdi"},
            {"label": "ORG", "pattern": "SDF"},
            {"label": "GPE", "pattern": "Raqqa"},
            {"label": "DATE", "pattern": "Friday"},
            {"label": "CARDINAL", "pattern": "3"},
        ]
    )
    folder = tmp_path_factory.mktemp("pipes") / "news_ruler"
    nlp.to_disk(folder)
    return folder


def test_pipeline_by_path_maps_labels(pipeline):
    sugg = get_suggester(f"spacy:{pipeline}", default_schema(), None)
    assert sugg.name == "spacy:news_ruler"
    aset = AnnotationSet(Document(TEXT, "a.txt", "x"))
    props = sugg.propose(aset)
    assert any("CARDINAL (1)" in n and "label_map" in n for n in props.notes)
    new = suggest_into(aset, sugg)
    assert [(e.label, e.text, e.status, e.by) for e in new] == [
        ("PER", "Mazlum Abdi", SUGGESTED, "spacy:news_ruler:ner"),
        ("ORG", "SDF", SUGGESTED, "spacy:news_ruler:ner"),
        ("GPE", "Raqqa", SUGGESTED, "spacy:news_ruler:ner"),
        ("DATE", "Friday", SUGGESTED, "spacy:news_ruler:ner"),
    ]
    assert [e.id for e in new] == ["T1", "T2", "T3", "T4"]


def test_long_article_is_cut_into_pieces_with_right_offsets(pipeline):
    filler = "Nothing to see here at all.\n" * 4000  # ~112,000 characters: several pieces
    text = filler + TEXT + filler + "Raqqa again.\n"
    sugg = get_suggester(f"spacy:{pipeline}", default_schema(), None)
    new = suggest_into(AnnotationSet(Document(text, "a.txt", "x")), sugg)
    for e in new:
        assert text[e.start : e.end] == e.text
    assert sum(1 for e in new if e.text == "Raqqa") == 2
    pieces = list(_pieces(text, 50_000))
    assert "".join(p for _, p in pieces) == text and all(text.startswith(p, o) for o, p in pieces)


def test_command_with_spacy_is_idempotent(pipeline, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert main(["suggest", str(article), "--with", f"spacy:{pipeline}"]) == 0
    assert "4 new suggestions (4 entities) from spacy:news_ruler" in capsys.readouterr().out
    first = (tmp_path / "annotations" / "a.yaml").read_bytes()
    assert main(["suggest", str(article), "--with", f"spacy:{pipeline}"]) == 0
    assert (tmp_path / "annotations" / "a.yaml").read_bytes() == first
    got = store.read(store.annotation_path(article, "annotations"), article=read_article(article), editing=True).checked()
    assert all(isinstance(e, Entity) and e.score is None for e in got.entities.values())


def test_without_spacy_one_line_says_how_to_install(monkeypatch, tmp_path, capsys):
    real_import = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError("No module named 'spacy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "spacy", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_spacy)
    with pytest.raises(InputError) as info:
        get_suggester("spacy:en_core_web_sm", default_schema(), None)
    assert info.value.message == f"--with spacy:en_core_web_sm: {INSTALL_HINT}"
    assert "pip install 'annotator[spacy]'" in info.value.message
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    monkeypatch.chdir(tmp_path)
    assert main(["suggest", str(article), "--with", "spacy:en_core_web_sm"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'annotator[spacy]'" in err


def test_unknown_pipeline_name_and_bad_folder(tmp_path):
    with pytest.raises(InputError, match="no spaCy pipeline named 'xx_no_such_pipeline' is installed"):
        get_suggester("spacy:xx_no_such_pipeline", default_schema(), None)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="not a spaCy pipeline folder"):
        get_suggester(f"spacy:{empty}", default_schema(), None)
    with pytest.raises(InputError, match="no such spaCy pipeline folder"):
        get_suggester(f"spacy:{tmp_path / 'missing'}", default_schema(), None)
