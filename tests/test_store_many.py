"""Reading many annotation files at once (``store.read_sets``), in a process pool or not.

The pool must change nothing: the same sets in the same order, each bad file
its one error, and the commands that read folders (agree, merge, audit) report
a bad file among many and go on (or stop) exactly as without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import store
from annotator.cli import main
from annotator.errors import InputError
from annotator.model import Argument, Attribution, Entity, Event, Ref, Relation, Span
from annotator.store import many

WORDS = "Orhan Qereman said on Monday that the forces had taken the town near the river".split()


def make_folders(root: Path, articles: int = 12, annotators: int = 3) -> list[str]:
    """``annotators`` folders of ``articles`` files each, on shared texts, with every layer."""
    dirs = []
    for k in range(annotators):
        d = root / f"ann{k + 1}"
        dirs.append(str(d))
        for i in range(articles):
            text = " ".join(WORDS[(i + j) % len(WORDS)] for j in range(30)) + "\n"
            art = root / "texts" / f"a{i:02d}.txt"
            art.parent.mkdir(parents=True, exist_ok=True)
            art.write_text(text, encoding="utf-8")
            from annotator.articles import read_article

            doc = read_article(art)
            path = d / f"a{i:02d}.yaml"
            s = store.new_set(doc, path)
            pos = [0]
            for j, w in enumerate(text.split()[:8]):
                start = text.index(w, pos[0])
                pos[0] = start + len(w)
                label = ("PER", "GPE", "ORG")[(i + j + k) % 3]
                s.entities[f"T{j + 1}"] = Entity(f"T{j + 1}", label, Span.of(text, start, start + len(w)), by=d.name,
                                                 attrs={"n": j} if j == 3 else {})
            s.events["E1"] = Event("E1", "Conflict.Attack", Span.of(text, 0, 5), (Argument("Attacker", "T1"),), by=d.name)
            s.attributions["A1"] = Attribution("A1", Ref("T2"), Span.of(text, 6, 10), Span.of(text, 11, 20), by=d.name,
                                               score=0.5, status="suggested")
            s.relations["R1"] = Relation("R1", "near", "T1", "T2", by=d.name)
            store.save(s, path)
    return dirs


def spoil(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("label: PER", "label: [PER", 1), encoding="utf-8")


def files_of(dirs: list[str]) -> list[Path]:
    return [p for d in dirs for p in sorted(Path(d).glob("*.yaml"))]


def as_comparable(x):
    if isinstance(x, InputError):
        return ("error", type(x).__name__, x.message)
    return ("set", x.document.text, x.document.path, x.document.sha256, x.entities, x.events, x.attributions, x.relations)


def test_pool_and_serial_give_the_same_sets_and_errors(tmp_path):
    dirs = make_folders(tmp_path)
    files = files_of(dirs)
    spoil(files[4])
    (Path(dirs[1]) / "a03.yaml").write_bytes(b"format: annotator/1\n\xff\n")  # not UTF-8
    text = (Path(dirs[2]) / "a05.yaml").read_text(encoding="utf-8")
    (Path(dirs[2]) / "a05.yaml").write_text(text.replace("../texts/a05.txt", "../texts/gone.txt"), encoding="utf-8")
    serial = many.read_sets(files, workers=1)
    pooled = many.read_sets(files, workers=2)
    assert [as_comparable(x) for x in serial] == [as_comparable(x) for x in pooled]
    # each file as store.read reads it on its own
    for f, x in zip(files, serial):
        r = store.read(f)
        if r.problems or r.aset is None:
            assert isinstance(x, InputError)
            with pytest.raises(InputError) as exc:
                r.checked()
            assert exc.value.message == x.message
        else:
            assert as_comparable(x) == as_comparable(r.checked())
    errors = [x for x in serial if isinstance(x, InputError)]
    assert len(errors) == 3
    assert str(files[4]) in errors[0].message


def test_the_pool_is_used_only_with_many_files_and_idle_cores(tmp_path, monkeypatch):
    dirs = make_folders(tmp_path, articles=3, annotators=2)
    files = files_of(dirs)
    used = []
    monkeypatch.setattr(many, "_read_in_pool", lambda paths, schema, workers: used.append(workers) or many._read_here(paths, schema))
    monkeypatch.setattr(many, "_idle_cores", lambda: 2)
    many.read_sets(files)
    assert used == []  # 6 files: read here
    monkeypatch.setattr(many, "POOL_MIN_FILES", 4)
    many.read_sets(files)
    assert used == [2]
    monkeypatch.setattr(many, "_idle_cores", lambda: 1)
    many.read_sets(files)
    assert used == [2]  # a busy machine: read here


@pytest.fixture(params=["serial", "pool"])
def pool_mode(request, monkeypatch):
    if request.param == "pool":
        monkeypatch.setattr(many, "POOL_MIN_FILES", 2)
        monkeypatch.setattr(many, "_idle_cores", lambda: 2)
        monkeypatch.setattr(many, "CHUNK", 5)
    else:
        monkeypatch.setattr(many, "POOL_MIN_FILES", 10**9)
    return request.param


def test_merge_reports_a_bad_file_and_merges_the_rest(tmp_path, capsys, pool_mode):
    dirs = make_folders(tmp_path)
    spoil(Path(dirs[1]) / "a07.yaml")
    gold = tmp_path / "gold"
    assert main(["merge", *dirs, "-o", str(gold)]) == 2
    captured = capsys.readouterr()
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "a07.yaml" in lines[0] and "a07 not merged" in lines[0]
    assert "merged 11 of 12 articles" in captured.out
    assert sorted(p.name for p in gold.glob("*.yaml")) == [f"a{i:02d}.yaml" for i in range(12) if i != 7]


def test_agree_names_each_bad_file_in_one_line_and_scores_the_rest(tmp_path, capsys, pool_mode):
    dirs = make_folders(tmp_path)
    spoil(Path(dirs[2]) / "a02.yaml")
    spoil(Path(dirs[2]) / "a09.yaml")
    assert main(["agree", *dirs, "--json", "--resamples", "0"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 2 and "a02.yaml" in err[0] and "a09.yaml" in err[1]
    assert '"articles": 10' in captured.out and "2 articles left out" in captured.out


def test_agree_and_audit_read_folders_the_same_with_the_pool(tmp_path, capsys, pool_mode):
    dirs = make_folders(tmp_path)
    assert main(["agree", *dirs, "--json", "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    assert '"articles": 12' in out
    assert main(["audit", dirs[0], dirs[1], "--json"]) == 0
    assert '"articles"' in capsys.readouterr().out
