"""Bad input: one clear line naming the file, exit status 2, files untouched."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main

GOOD = "format: annotator/1\ndocument: {path: ../seeds/a.txt, sha256: %s, length: %d}\nentities:\n%s\nevents: []\nattributions: []\nrelations: []\n"
TEXT = "Abdi said the SDF took Raqqa.\n"


def setup(tmp_path, entities="- {id: T1, label: PER, start: 0, end: 4, text: Abdi}", text=TEXT):
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    art = seeds / "a.txt"
    art.write_text(text, encoding="utf-8", newline="")
    ann = tmp_path / "annotations"
    ann.mkdir(exist_ok=True)
    sha = hashlib.sha256(text.encode()).hexdigest()
    y = ann / "a.yaml"
    y.write_text(GOOD % (sha, len(text), entities), encoding="utf-8")
    return art, y


def run(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def one_line(err: str) -> str:
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    "entities, words",
    [
        ("- {id: T1, label: PER, start: 0, end: 4, text: Abdx}", "text"),
        ("- {id: T1, label: WHO, start: 0, end: 4, text: Abdi}", "WHO"),
        ("- {id: T1, label: PER, start: 0, end: 4, text: Abdi}\n- {id: T1, label: ORG, start: 14, end: 17, text: SDF}", "T1"),
        ("- {id: T1, label: PER, start: 0, end: 400, text: Abdi}", "end"),
    ],
)
def test_corrupt_annotation_file_is_reported_and_untouched(tmp_path, capsys, entities, words):
    art, y = setup(tmp_path, entities)
    before = y.read_bytes()
    code, err = run(capsys, "annotate", str(art), "--annotations", str(tmp_path / "annotations"))
    assert code == 2
    line = one_line(err)
    assert "a.yaml" in line and words in line
    assert y.read_bytes() == before


def test_dangling_ref_is_reported(tmp_path, capsys):
    art, y = setup(tmp_path)
    text = y.read_text().replace(
        "events: []",
        "events:\n- id: E1\n  type: Conflict.Capture\n  trigger: {start: 18, end: 22, text: took}\n  arguments:\n  - {role: Agent, ref: T9}",
    )
    y.write_text(text)
    code, err = run(capsys, "annotate", str(art), "--annotations", str(tmp_path / "annotations"))
    assert code == 2 and "T9" in one_line(err)


def test_broken_yaml_and_other_format(tmp_path, capsys):
    art, y = setup(tmp_path)
    y.write_text("format: annotator/1\nentities: [\n")
    code, err = run(capsys, "annotate", str(art), "--annotations", str(tmp_path / "annotations"))
    assert code == 2 and "a.yaml" in one_line(err)
    y.write_text('{"label": "PER"}\n')
    code, err = run(capsys, "annotate", str(art), "--annotations", str(tmp_path / "annotations"))
    assert code == 2 and "a.yaml" in one_line(err)
    assert y.read_text() == '{"label": "PER"}\n'


@pytest.mark.parametrize(
    "content, words",
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"caf\xe9 latin-1", "UTF-8")],
)
def test_bad_articles(tmp_path, capsys, content, words):
    art = tmp_path / "x.txt"
    art.write_bytes(content)
    code, err = run(capsys, "annotate", str(art), "--annotations", str(tmp_path / "ann"))
    assert code == 2
    line = one_line(err)
    assert "x.txt" in line and words.lower() in line.lower()
    assert not (tmp_path / "ann").exists()


def test_missing_path_and_unknown_schema(tmp_path, capsys):
    code, err = run(capsys, "annotate", str(tmp_path / "nope.txt"))
    assert code == 2 and "nope.txt" in one_line(err)
    art, _ = setup(tmp_path)
    bad_schema = tmp_path / "schema.yaml"
    bad_schema.write_text("entities: 3\n")
    code, err = run(capsys, "annotate", str(art), "--schema", str(bad_schema))
    assert code == 2 and "schema.yaml" in one_line(err)


def test_help_of_every_subcommand_works():
    for argv in (["--help"], ["annotate", "--help"], ["validate", "--help"]):
        out = subprocess.run([sys.executable, "-m", "annotator", *argv], capture_output=True, text=True)
        assert out.returncode == 0 and "usage" in out.stdout.lower()


def test_a_100_mb_article_is_refused_at_once(tmp_path, capsys):
    art = tmp_path / "huge.txt"
    with open(art, "wb") as f:  # sparse: no 100 MB written to disk
        f.truncate(100 * 2**20)
    code, err = run(capsys, "annotate", str(art), "--annotations", str(tmp_path / "ann"))
    assert code == 2
    line = one_line(err)
    assert "huge.txt" in line and "MiB" in line
    assert not (tmp_path / "ann").exists()


@pytest.mark.parametrize("argv", [["keys"], ["status", "seeds"], ["validate", "annotations"]])
def test_a_reader_that_leaves_early_gets_no_traceback(argv):
    """``annotator keys | head -1``: the pipe's reader is gone before the command
    writes; the command stops quietly with status 1 (as Rich's tables do), and
    nothing is printed at exit either."""
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    read, write = os.pipe()
    os.close(read)  # the reader left before the first write
    try:
        out = subprocess.run(
            [sys.executable, "-m", "annotator", *argv], stdout=write, stderr=subprocess.PIPE,
            cwd=root, text=True, timeout=60,
        )
    finally:
        os.close(write)
    assert out.stderr == "" and out.returncode == 1


def test_a_broken_pipe_that_is_not_stdout_is_not_swallowed(monkeypatch, capsys):
    """Only the output's reader leaving is quiet: a worker's pipe breaking is an error."""
    import annotator.commands.keys as keys

    def broken(args):
        raise BrokenPipeError(32, "a worker's pipe")

    monkeypatch.setattr(keys, "run", broken)
    with pytest.raises(BrokenPipeError):
        main(["keys"])


def test_export_to_stdout_gives_the_file_s_bytes(tmp_path):
    """``export -o -``: the same bytes as ``-o FILE`` on stdout, the command's own
    lines on stderr; brat (a folder of files) cannot go to stdout: one line, status 2."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-m", "annotator", "export", "--to", "conll", str(root / "annotations")]
    to_file = subprocess.run([*cmd, "-o", str(tmp_path / "gold.conll")], capture_output=True, timeout=60)
    to_stdout = subprocess.run([*cmd, "-o", "-"], capture_output=True, timeout=60, cwd=tmp_path)
    assert to_file.returncode == to_stdout.returncode == 0
    assert to_stdout.stdout == (tmp_path / "gold.conll").read_bytes() != b""
    assert b"exported 1 articles to stdout" in to_stdout.stderr
    brat = subprocess.run(
        [sys.executable, "-m", "annotator", "export", "--to", "brat", str(root / "annotations"), "-o", "-"],
        capture_output=True, text=True, timeout=60,
    )
    assert brat.returncode == 2 and one_line(brat.stderr) == "annotator: -o -: brat output is a folder of files, not stdout"


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("broken.yaml", b"{{{not yaml\n", "broken YAML"),
        ("binary.yaml", b"\x00\x01\x02\xff binary", "not UTF-8"),
        ("latin1.yaml", "caf\u00e9: 1\n".encode("latin-1"), "UTF-8"),
        ("empty.yaml", b"", "format: annotator/1"),
    ],
)
def test_export_of_a_folder_names_a_yaml_file_it_cannot_read(tmp_path, capsys, name, content, words):
    """A .yaml in the folder that is not YAML at all is named with its problem (as when
    given by name), not passed over as "not an annotation file": exit 2, the other
    files exported (the batch rule), the files untouched. Valid YAML that is not ours
    (a schema) is still passed over."""
    _, good = setup(tmp_path)
    bad = tmp_path / "annotations" / name
    bad.write_bytes(content)
    before = {p: p.read_bytes() for p in (good, bad)}
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, "export", "--to", "jsonl", str(tmp_path / "annotations"), "-o", str(out))
    line = one_line(err)
    assert code == 2 and name in line and words in line, line
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1  # the good file's article
    assert {p: p.read_bytes() for p in before} == before
    # alone in its folder: named too, not "no annotation files found"
    good.unlink()
    code, err = run(capsys, "export", "--to", "jsonl", str(tmp_path / "annotations"), "-o", str(out))
    line = one_line(err)
    assert code == 2 and name in line and "no annotation files" not in line, line


def test_export_of_a_folder_passes_over_other_yaml_and_says_so(tmp_path, capsys):
    _, good = setup(tmp_path)
    (tmp_path / "annotations" / "schema.yaml").write_text("entities:\n  - PER\n  - ORG\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["export", "--to", "jsonl", str(tmp_path / "annotations"), "-o", str(out)])
    got = capsys.readouterr()
    assert code == 0 and out.exists()
    assert "passed over 1 .yaml files that are not annotation files" in got.err
    assert "exported 1 articles" in got.out


def test_export_of_an_article_says_it_is_not_an_annotation_file_and_names_the_one_to_give(tmp_path, capsys, monkeypatch):
    """`export` given the .txt article (the path a user just passed to `annotate`)
    said "broken YAML: mapping values are not allowed here" for a text with a colon
    in it: now one line says it is not an annotation file and names the one to
    give (found under the annotations folder), exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    art, y = setup(tmp_path, text="Abdi said: the SDF took Raqqa.\nA source added: it fell.\n",
                   entities="- {id: T1, label: PER, start: 0, end: 4, text: Abdi}")
    before = {p: p.read_bytes() for p in (art, y)}
    code, err = run(capsys, "export", "--to", "jsonl", "seeds/a.txt", "-o", "out.jsonl")
    assert code == 2
    assert one_line(err) == f"annotator: seeds/a.txt: is not an annotation file: export its annotation file, {Path('annotations', 'a.yaml')}"
    other = tmp_path / "notes.txt"
    other.write_text("Checked: yes\n- pending\n", encoding="utf-8")  # no annotation file of that name
    code, err = run(capsys, "export", "--to", "conll", str(other), "-o", "out.conll")
    line = one_line(err)
    assert code == 2 and line.startswith(f"annotator: {other}: is not an annotation file (.yaml): give the annotation file")
    assert "broken YAML" not in line
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.conll").exists()
    assert {p: p.read_bytes() for p in before} == before


def test_without_a_terminal_annotate_says_so_and_takes_no_lock(tmp_path):
    """`annotator x.txt </dev/null` (a script, cron, ssh without -t) ran a headless
    app at 90 % of a core, printing nothing and holding the article's lock, so the
    real session opened it read-only. Now one line and exit 2, no lock taken."""
    import os
    import shutil

    article = tmp_path / "a.txt"
    shutil.copyfile(Path(__file__).resolve().parent.parent / "seeds" / "sdf-captures-deir-el-zor.txt", article)
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-m", "annotator", str(article), "--annotations", str(tmp_path / "ann")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, env=env,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "annotator: annotate: stdin is not a terminal: the app needs one (over ssh: ssh -t; "
        "in a browser: annotator serve; in a script: validate, status, export)"]
    assert not (tmp_path / "ann").exists() or not list((tmp_path / "ann").glob(".*lock*"))
