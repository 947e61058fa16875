"""Label Studio import and export against what Label Studio writes and reads:
JSON lines, several annotators on a task, a completed pre-annotated task, a
second text field, an unreviewed article, malformed values."""

from __future__ import annotations

import json
from pathlib import Path

from annotator import store
from annotator.cli import main


def _run(srcs: list[Path], tmp_path: Path, capsys, fmt: str = "labelstudio") -> tuple[int, list[str], str]:
    ann, texts = tmp_path / "ann", tmp_path / "texts"
    code = main(["import", "--from", fmt, *map(str, srcs), "--annotations", str(ann), "--texts", str(texts)])
    cap = capsys.readouterr()
    return code, cap.err.splitlines(), cap.out


def _written(tmp_path: Path) -> list[str]:
    for y in (tmp_path / "ann").glob("*.yaml"):
        store.read(y).checked()  # every file written is a valid annotation file
    return sorted(p.stem for p in (tmp_path / "ann").glob("*.yaml"))


def _read(tmp_path: Path, name: str):
    return store.read(tmp_path / "ann" / f"{name}.yaml").checked()


# -- JSON lines ------------------------------------------------------------------------


def test_json_lines_a_broken_line_is_refused_alone_and_the_tasks_after_it_imported(tmp_path, capsys):
    """One streaming decode read the whole file: a broken line 2 ended it, and tasks
    c and d were never read, the summary counting 2 articles. Each line is a task:
    the broken one is refused with its line, the others go in, counted right."""
    src = tmp_path / "tasks.jsonl"
    src.write_text(
        '{"id": "a", "data": {"text": "Doc A."}}\n'
        '{"id": "b", "data": {"text": "Doc B.}}\n'
        '{"id": "c", "data": {"text": "Doc C."}}\r\n'
        "\n"
        "{not json\n"
        '{"id": "d", "data": {"text": "Doc D."}}',
        encoding="utf-8",
    )
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 2
    assert [line.split(": ", 2)[1] for line in err] == [f"{src}:2", f"{src}:5"]
    assert all("not JSON" in line and line.endswith("(not imported)") for line in err)
    assert "imported 3 of 5 articles from labelstudio" in out
    assert _written(tmp_path) == ["a", "c", "d"]


def test_json_lines_a_broken_first_line_is_refused_alone(tmp_path, capsys):
    src = tmp_path / "tasks.jsonl"
    src.write_text('{"id": "a", "data": \n{"id": "b", "data": {"text": "Doc B."}}\n', encoding="utf-8")
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith(f"annotator: {src}:1: not JSON")
    assert "imported 1 of 2 articles" in out and _written(tmp_path) == ["b"]


def test_a_pretty_printed_task_and_a_broken_one_still_read_as_before(tmp_path, capsys):
    """A single task over many lines is one task; one broken on a later line is one
    line naming that line (not a line per line of it)."""
    task = {"id": 7, "data": {"text": "Rebels took Raqqa."}, "annotations": []}
    good = tmp_path / "one.json"
    good.write_text(json.dumps(task, indent=2), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(task, indent=2).replace('"annotations": []', '"annotations": [}'), encoding="utf-8")
    code, err, out = _run([good, bad], tmp_path, capsys)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"annotator: {bad}:6: not JSON")
    assert _written(tmp_path) == ["7"]
