"""Annotation folders with subfolders (``annotator import`` mirrors the source tree):
every command that takes one finds its files the same way (``store.files.annotation_files_in``),
pairs them by their path under the folder, and leaves hidden files and other YAML alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.model import Entity, Span

TEXTS = {
    "corpora/x/y": "Acme Corp hired John Smith in Paris.\n",
    "corpora/z/y": "Paris is far from Lyon.\n",  # the same file name in another subfolder
}
SCHEMA = "entities: [{name: Person}, {name: Organization}, {name: GPE}]\nevents: []\n"


def write_tree(root: Path, folder: str, words: dict[str, list[tuple[str, str]]]) -> Path:
    """``root/folder/<key>.yaml`` for each article key, with the entities ``(label, word)``."""
    for key, text in TEXTS.items():
        article = root / "texts" / f"{key}.txt"
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_text(text, encoding="utf-8")
        doc = read_article(article)
        yaml_path = root / folder / f"{key}.yaml"
        aset = store.new_set(doc, yaml_path)
        for k, (label, word) in enumerate(words[key], 1):
            s = text.index(word)
            aset.entities[f"T{k}"] = Entity(f"T{k}", label, Span.of(text, s, s + len(word)), by=folder)
        store.save(aset, yaml_path)
    out = root / folder
    # Not annotation files: a journal, a git folder holding a copy, a schema import wrote.
    (out / "corpora" / "x" / ".y.journal").write_text('{"journal": "annotator/1"}\n', encoding="utf-8")
    (out / ".git" / "old").mkdir(parents=True)
    (out / ".git" / "old" / "y.yaml").write_text("format: annotator/1\nentities: [broken\n", encoding="utf-8")
    (out / "corpora" / ".hidden.yaml").write_text("format: annotator/1\nentities: [broken\n", encoding="utf-8")
    (out / "schemas").mkdir()
    (out / "schemas" / "news.yaml").write_text(SCHEMA, encoding="utf-8")
    return out


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path, Path]:
    a = write_tree(tmp_path, "ann1", {
        "corpora/x/y": [("Organization", "Acme Corp"), ("Person", "John Smith")],
        "corpora/z/y": [("GPE", "Paris"), ("GPE", "Lyon")],
    })
    b = write_tree(tmp_path, "ann2", {
        "corpora/x/y": [("Organization", "Acme Corp")],
        "corpora/z/y": [("GPE", "Paris"), ("GPE", "Lyon")],
    })
    schema = tmp_path / "schema.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    return a, b, schema


def test_audit_pairs_nested_files_by_their_path(two, capsys):
    a, b, schema = two
    assert main(["audit", str(a), str(b), "--json", "--schema", str(schema)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == ["corpora/x/y", "corpora/z/y"]
    strict = data["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (3, 1, 0)
    assert data["notes"] == []


def test_agree_reads_nested_folders(two, capsys):
    a, b, schema = two
    assert main(["agree", str(a), str(b), "--json", "--resamples", "0", "--schema", str(schema)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 2 and data["notes"] == []
    assert sorted(data["documents"]) == ["corpora/x/y", "corpora/z/y"]


def test_status_reads_nested_folders(two, capsys):
    a, _b, schema = two
    assert main(["status", str(a), "--json", "--schema", str(schema)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in data["rows"]] == ["corpora/x/y", "corpora/z/y"]
    assert data["done"] == 2 and data["errors"] == 0


def test_validate_reads_nested_folders(two, capsys):
    a, _b, schema = two
    assert main(["validate", str(a), "--schema", str(schema)]) == 0
    assert capsys.readouterr().out.strip() == "ok: 2 files, 4 annotations"


def test_merge_mirrors_the_tree(two, tmp_path, capsys):
    a, b, schema = two
    gold = tmp_path / "gold"
    assert main(["merge", str(a), str(b), "-o", str(gold), "--schema", str(schema)]) == 0
    assert sorted(p.relative_to(gold).as_posix() for p in gold.rglob("*.yaml")) == ["corpora/x/y.yaml", "corpora/z/y.yaml"]
    assert main(["validate", str(gold), "--schema", str(schema)]) == 0


def test_the_finder_skips_hidden_files_and_other_yaml(two):
    from annotator.store.files import annotation_files_in

    a, _b, _schema = two
    found, skipped = annotation_files_in(a)
    assert [key for _, key in found] == ["corpora/x/y", "corpora/z/y"]
    assert skipped == 0  # schemas/news.yaml: passed over, and not counted (import writes them there)
    assert [p.relative_to(a).as_posix() for p in store.yaml_files([a])] == ["corpora/x/y.yaml", "corpora/z/y.yaml"]
    (a / "corpora" / "notes.yaml").write_text("entities: [PER]\n", encoding="utf-8")  # other YAML elsewhere: counted
    found, skipped = annotation_files_in(a)
    assert [key for _, key in found] == ["corpora/x/y", "corpora/z/y"] and skipped == 1


# -- a folder of ARTICLES with subfolders (a brat collection): found, paired as import mirrors it --

BRAT = Path(__file__).resolve().parent / "fixtures" / "brat" / "example-data" / "corpora"


@pytest.fixture
def brat_tree(tmp_path, capsys):
    """TDT and NCBI-disease (real brat data) under src/, imported into ann/."""
    import shutil

    src = tmp_path / "src"
    for name in ("TDT", "NCBI-disease"):
        shutil.copytree(BRAT / name, src / name)
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 0
    capsys.readouterr()
    return src, ann


def test_the_article_finder_takes_subfolders_and_pairs_them_as_import_wrote(brat_tree):
    from annotator.articles import find_articles

    src, ann = brat_tree
    found = find_articles([str(src)])
    assert [p.relative_to(src).as_posix() for p in found] == [
        "NCBI-disease/PMID-10556298.txt", "NCBI-disease/PMID-23402.txt", "NCBI-disease/PMID-7795652.txt",
        "TDT/w078.txt", "TDT/wn071.txt",
    ]
    assert [store.annotation_path(p, ann) for p in found] == [ann / f"{p.relative_to(src).with_suffix('.yaml')}" for p in found]
    assert all(store.annotation_path(p, ann).is_file() for p in found)


def test_status_of_a_collection_tree_reads_the_yaml_import_wrote(brat_tree, capsys):
    src, ann = brat_tree
    assert main(["status", str(src), "--annotations", str(ann), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in data["rows"]}
    assert sorted(rows) == ["NCBI-disease/PMID-10556298", "NCBI-disease/PMID-23402", "NCBI-disease/PMID-7795652", "TDT/w078", "TDT/wn071"]
    assert rows["TDT/w078"]["entities"] == 158
    assert all(r["state"] == "done" and r["article"] and r["annotations"].endswith(f"{n}.yaml") for n, r in rows.items())


def test_the_app_opens_a_collection_tree_with_its_annotation_files(brat_tree):
    import argparse

    from annotator.commands.annotate import _found

    src, ann = brat_tree
    args = argparse.Namespace(paths=[str(src)], annotations=str(ann), schema=str(ann / "schemas" / "NCBI-disease.yaml"))
    _schema, articles, folder, first_yaml, _doc = _found(args)
    assert len(articles) == 5 and folder == ann
    assert first_yaml == ann / "NCBI-disease" / "PMID-10556298.yaml" and first_yaml.is_file()


def test_a_folder_with_no_articles_anywhere_says_so(tmp_path):
    from annotator.articles import find_articles
    from annotator.errors import InputError

    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(InputError, match="no .txt articles in this folder or its subfolders"):
        find_articles([str(tmp_path / "empty")])


def test_status_cuts_long_names_in_the_middle_so_rows_stay_apart(tmp_path, capsys, monkeypatch):
    import shutil

    from annotator.commands.status import cut_middle

    src = tmp_path / "src"
    shutil.copytree(BRAT / "BioNLP-ST_2011", src / "corpora" / "BioNLP-ST_2011")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("COLUMNS", "80")  # a pipe, or an 80-column terminal
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert main(["status", str(ann)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    rows = [line for line in lines if line.rstrip().endswith(("done", "review", "started", "new", "error"))]
    names = [line.split()[0] for line in rows]
    assert len(rows) == 13 and len(set(names)) == 13, names
    assert "corpor…/PMID-12729016" in names  # its file name kept whole
    assert cut_middle("corpora/BioNLP-ST_2011/BioNLP-ST_2011_EPI/PMID-12729016", 40) == "corpora/BioNL…-ST_2011_EPI/PMID-12729016"
    # a file name longer than the column: cut in its own middle, so PMC2565068-02-Results-07
    # and PMC2682197-02-Results-07 stay apart, after the …/ that says the folder was cut
    assert cut_middle("corpora/x/PMC2565068-02-Results-07", 21) == "…/PMC256506…esults-07"
    assert cut_middle("news/000-introduction", 18) == "…/000-introduction"
    assert cut_middle("news/000-introduction", 16) == "…/000-int…uction"
    assert cut_middle("sdf-captures-deir-el-zor", 21) == "sdf-captur…eir-el-zor"
    assert cut_middle("TDT/w078", 21) == "TDT/w078"


def test_status_json_of_a_folder_of_annotation_files_names_each_article(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Abdi met p53.\n", encoding="utf-8")
    (src / "a.ann").write_text("", encoding="utf-8")  # an article nobody annotated yet
    (src / "b.txt").write_text("Abdi met p53.\n", encoding="utf-8")
    (src / "b.ann").write_text("T1\tPER 0 4\tAbdi\n", encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 0
    capsys.readouterr()
    assert main(["status", str(ann), "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert {n: Path(r["article"]).resolve() for n, r in rows.items()} == {"a": (src / "a.txt").resolve(), "b": (src / "b.txt").resolve()}
    assert rows["a"]["error"] is None


def test_a_project_folder_gives_its_articles_not_those_of_its_tools(tmp_path):
    """`annotator .` in a project: its virtual environment's site-packages holds
    hundreds of LICENSE.txt files, node_modules and __pycache__ others."""
    from annotator.articles import find_articles

    (tmp_path / "articles" / "week1").mkdir(parents=True)
    (tmp_path / "articles" / "week1" / "a.txt").write_text("Rebels took Raqqa.\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("to do\n", encoding="utf-8")
    venv = tmp_path / "venv"
    (venv / "lib" / "python3.11" / "site-packages" / "pkg").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (venv / "lib" / "python3.11" / "site-packages" / "pkg" / "LICENSE.txt").write_text("MIT\n", encoding="utf-8")
    (venv / "README.txt").write_text("x\n", encoding="utf-8")
    for tool in ("node_modules/left-pad", "__pycache__", "env/lib/site-packages/x"):
        (tmp_path / tool).mkdir(parents=True)
        (tmp_path / tool / "LICENSE.txt").write_text("MIT\n", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in find_articles([str(tmp_path)])] == [
        "articles/week1/a.txt", "notes.txt"]


def test_an_article_given_by_name_finds_the_file_import_mirrored_and_the_schema_to_give(brat_tree, capsys):
    """`annotator src/TDT/w078.txt --annotations ann` opened ann/w078.yaml, new and
    empty, beside the ann/TDT/w078.yaml that import wrote; and without --schema the
    file's labels are not the built-in schema's: the line names the schema to give."""
    from annotator.store.files import pair_given_article

    src, ann = brat_tree
    article = src / "TDT" / "w078.txt"
    pair_given_article(article, ann)
    assert store.annotation_path(article, ann) == ann / "TDT" / "w078.yaml"
    assert main(["annotate", str(article), "--annotations", str(ann)]) == 2
    err = capsys.readouterr().err
    schema = ann / "schemas" / "TDT.yaml"
    assert f"{ann / 'TDT' / 'w078.yaml'}:" in err and "is not in the schema" in err
    assert f"(the schema {schema} declares it: give --schema {schema})" in err
    # another article of that name elsewhere is not taken for it
    other = src.parent / "elsewhere" / "w078.txt"
    other.parent.mkdir()
    other.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    pair_given_article(other, ann)
    assert store.annotation_path(other, ann) == ann / "w078.yaml"


def test_a_folder_opens_on_its_first_article_the_schema_fits_and_names_those_skipped(brat_tree):
    """`annotator src --schema ann/schemas/TDT.yaml` stopped at NCBI's first article
    (its labels are not TDT's): exit 2, no app. Now the app opens on TDT/w078 and
    tells the three skipped; when no article fits, the first one's line, exit 2."""
    import argparse

    import pytest

    from annotator.commands.annotate import _first_openable, _found
    from annotator.errors import InputError

    src, ann = brat_tree
    args = argparse.Namespace(paths=[str(src)], annotations=str(ann), schema=str(ann / "schemas" / "TDT.yaml"))
    schema, articles, folder, _yaml, _doc = _found(args)
    index, got, skipped = _first_openable(articles, folder, schema, args)
    assert articles[index].relative_to(src).as_posix() == "TDT/w078.txt"
    assert len(got.checked().entities) == 158
    assert [line.split(":")[0] for line in skipped] == [
        str(ann / "NCBI-disease" / f"{n}.yaml") for n in ("PMID-10556298", "PMID-23402", "PMID-7795652")]
    assert all("label 'Disease' is not in the schema" in line for line in skipped)
    with pytest.raises(InputError) as caught:
        _first_openable(articles[:3], folder, schema, args)
    assert caught.value.message == skipped[0]


def test_file_suggester_takes_the_file_at_the_articles_path_in_the_folder(tmp_path, capsys, monkeypatch):
    """``--with file:DIR`` of a tree: ``src/news/a.txt`` takes ``DIR/news/a.ann``, and
    ``src/sport/a.txt`` (the same file name) ``DIR/sport/a.ann``, not each other's."""
    monkeypatch.chdir(tmp_path)
    for sub, (word, label) in {"news": ("Maria Lopez", "PER"), "sport": ("Madrid", "GPE")}.items():
        (tmp_path / "src" / sub).mkdir(parents=True)
        (tmp_path / "src" / sub / "a.txt").write_text("Maria Lopez met Juan Perez in Madrid.\n", encoding="utf-8")
        (tmp_path / "pred" / sub).mkdir(parents=True)
        s = "Maria Lopez met Juan Perez in Madrid.\n".index(word)
        (tmp_path / "pred" / sub / "a.ann").write_text(f"T1\t{label} {s} {s + len(word)}\t{word}\n", encoding="utf-8")
    assert main(["suggest", "src", "--with", "file:pred", "--annotations", "ann"]) == 0
    capsys.readouterr()
    got = {sub: [(e.text, e.label) for e in store.read(tmp_path / "ann" / sub / "a.yaml").aset.entities.values()] for sub in ("news", "sport")}
    assert got == {"news": [("Maria Lopez", "PER")], "sport": [("Madrid", "GPE")]}


def test_status_keeps_apart_articles_of_the_same_name_in_two_subfolders(tmp_path, capsys, monkeypatch):
    """``news/000-introduction`` and ``sport/000-introduction`` in a narrow name column
    (a wide ``by``): cut where they differ, not both ``000-introduction``."""
    from annotator.commands.status import cut_names

    text = "Maria Lopez met Juan Perez in Madrid.\n"
    for sub in ("news", "sport"):
        article = tmp_path / "src" / sub / "000-introduction.txt"
        article.parent.mkdir(parents=True)
        article.write_text(text, encoding="utf-8")
        yaml_path = tmp_path / "g" / sub / "000-introduction.yaml"
        aset = store.new_set(read_article(article), yaml_path)
        aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 11), by="merge")
        aset.entities["T2"] = Entity("T2", "PER", Span.of(text, 16, 26), by="annotator")
        store.save(aset, yaml_path)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert main(["status", str(tmp_path / "g")]) == 0
    rows = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.rstrip().endswith("done")]
    assert len(rows) == 2 and len(set(rows)) == 2, rows
    assert rows[0].startswith("news/") and rows[1].startswith("sport/") and all("…" in r for r in rows)
    assert cut_names(["news/000-introduction", "sport/000-introduction", "news/060-relation_annotation"], 16) == [
        "news/000…duction", "sport/00…duction", "…/060-rel…tation",
    ]
