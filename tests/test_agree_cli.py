"""`annotator agree` on every layer: attributions-only annotators, brat documents, pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.model import Attribution, Span

ROOT = Path(__file__).resolve().parent.parent
BRAT_NEWS = ROOT / "tests" / "fixtures" / "brat" / "example-data" / "tutorials" / "news"

TEXT = (
    "The minister said the talks would resume on Monday. "
    "According to two officials, the army withdrew from the town. "
    "Rebels claimed they had captured the airport.\n"
)


def span(word: str, nth: int = 0) -> Span:
    s = -1
    for _ in range(nth + 1):
        s = TEXT.index(word, s + 1)
    return Span.of(TEXT, s, s + len(word))


#: (source, cue, content) of each attribution, per annotator: they differ in the content's extent
#: and in whether they saw the third attribution.
ATTRIBUTIONS = {
    "ann1": [("The minister", "said", "the talks would resume on Monday"),
             ("two officials", "According to", "the army withdrew from the town"),
             ("Rebels", "claimed", "they had captured the airport")],
    "ann2": [("The minister", "said", "the talks would resume"),
             ("two officials", "According to", "the army withdrew from the town"),
             ("Rebels", "claimed", "they had captured the airport")],
    "ann3": [("The minister", "said", "the talks would resume on Monday"),
             ("two officials", "According to", "the army withdrew from the town")],
    "ann4": [("minister", "said", "the talks would resume on Monday"),
             ("two officials", "According to", "the army withdrew"),
             ("Rebels", "claimed", "they had captured the airport")],
}


def write_attributions(root: Path) -> list[str]:
    article = root / "seeds" / "talks.txt"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(TEXT, encoding="utf-8")
    doc = read_article(article)
    dirs = []
    for name, rows in ATTRIBUTIONS.items():
        path = root / name / "talks.yaml"
        aset = store.new_set(doc, path)
        for k, (src, cue, content) in enumerate(rows):
            aset.attributions[f"A{k + 1}"] = Attribution(f"A{k + 1}", span(src), span(cue), span(content), by=name)
        store.save(aset, path)
        dirs.append(str(root / name))
    return dirs


def test_attributions_are_the_whole_of_their_work(tmp_path, capsys):
    dirs = write_attributions(tmp_path)
    assert main(["agree", *dirs, "--json", "--resamples", "200"]) == 0
    data = json.loads(capsys.readouterr().out)
    att = data["layers"]["attributions"]
    assert att["annotations"] == [3, 3, 2, 3]  # whole attributions
    labels = att["labels"]
    assert list(labels) == ["all", "attribution", "content", "cue", "source"]
    cue = labels["cue"]["f1_strict"]["value"]
    assert cue[0][1] == 1.0 and cue[0][2] == 2 * 2 / (3 + 2)
    content = labels["content"]
    assert content["f1_strict"]["value"][0][1] == 2 * 2 / 6
    assert content["f1_overlap"]["value"][0][1] == 1.0
    whole = labels["attribution"]["f1_strict"]["value"]
    assert whole[0][1] == 2 * 2 / 6 and labels["all"]["f1_strict"]["value"] == whole
    assert labels["all"]["fleiss"]["value"] is not None and labels["all"]["alpha"]["value"] is not None
    low, high = labels["all"]["alpha"]["low"], labels["all"]["alpha"]["high"]
    assert low <= labels["all"]["alpha"]["value"] <= high
    assert data["layers"]["entities"]["annotations"] == [0, 0, 0, 0]
    assert data["bootstrap"]["resamples"] == 0 or data["bootstrap"]["seed"] == 0
    # tables: the attribution layer is shown, the empty ones are not
    assert main(["agree", *dirs, "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "### Attributions: 30 tokens (F1: matched one to one; F1, Cohen: mean of pairs)" in out
    assert "### Entities" not in out
    assert "| content |" in out


def test_the_same_seed_gives_the_same_intervals(tmp_path, capsys):
    dirs = write_attributions(tmp_path)
    outs = []
    for seed in ("3", "3", "4"):
        assert main(["agree", *dirs, "--json", "--resamples", "300", "--seed", seed]) == 0
        outs.append(json.loads(capsys.readouterr().out)["layers"]["attributions"]["labels"]["content"]["alpha"])
    assert outs[0] == outs[1]
    assert outs[0]["value"] == outs[2]["value"]


def test_tables_on_a_pipe_fit_80_columns_and_titles_are_whole(tmp_path):
    dirs = write_attributions(tmp_path)
    env = dict(os.environ, COLUMNS="80")
    env.pop("FORCE_COLOR", None)
    res = subprocess.run(
        [sys.executable, "-m", "annotator", "agree", *(Path(d).name for d in dirs)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    for title in (
        "Annotators (1 article annotated by all)",
        "Attributions: 30 tokens (F1: matched one to one; F1, Cohen: mean of pairs)",
        "Attributions: strict F1 above the diagonal, Cohen's kappa below",
        "Articles by Krippendorff's alpha, lowest first",
    ):
        assert title in lines, title


def _perturbed(aset, every: int, relabel: str | None):
    """A second annotator: drops every n-th entity nobody refers to, relabels another."""
    out = aset.copy()
    referred = {r for ann in aset.all() for r in _refs(ann)}
    for k, (eid, e) in enumerate(list(aset.entities.items())):
        if eid in referred:
            continue
        if k % every == 0:
            del out.entities[eid]
        elif relabel and k % every == 1:
            out.entities[eid] = replace(e, label=relabel)
    return out


def _refs(ann):
    from annotator.model import Attribution as At, Event, Ref, Relation

    if isinstance(ann, Event):
        return [a.ref for a in ann.arguments]
    if isinstance(ann, At) and isinstance(ann.source, Ref):
        return [ann.source.ref]
    if isinstance(ann, Relation):
        return [ann.arg1, ann.arg2]
    return []


@pytest.fixture
def brat_annotators(tmp_path: Path) -> list[Path]:
    alice = tmp_path / "alice"
    assert main(["import", "--from", "brat", str(BRAT_NEWS), "--annotations", str(alice), "--texts", str(tmp_path / "texts")]) == 0
    dirs = [alice]
    for name, every, relabel in (("bob", 3, "Person"), ("carol", None, None)):
        folder = tmp_path / name
        for y in sorted(alice.glob("*.yaml")):
            aset = store.read(y).checked()
            store.save(_perturbed(aset, every, relabel) if every else aset, folder / y.name)
        dirs.append(folder)
    return dirs


def test_brat_documents_three_annotators(brat_annotators, capsys):
    dirs = [str(d) for d in brat_annotators]
    assert main(["agree", *dirs, "--json", "--resamples", "100"]) == 0
    data = json.loads(capsys.readouterr().out)
    n_docs = len(list(brat_annotators[0].glob("*.yaml")))
    assert len(data["documents"]) == n_docs >= 5
    ents = data["layers"]["entities"]["labels"]["all"]
    # carol dropped and relabelled nothing: she agrees with alice except where nothing is defined
    assert ents["f1_strict"]["value"][0][2] == 1.0 and ents["cohen"]["value"][0][2] == 1.0
    assert ents["f1_strict"]["value"][0][1] < 1.0 and ents["cohen"]["value"][0][1] < 1.0
    assert -1.0 <= ents["fleiss"]["value"] < 1.0 and -1.0 <= ents["alpha"]["value"] < 1.0
    trig = data["layers"]["triggers"]
    assert sum(trig["annotations"]) > 0 and trig["labels"]["all"]["f1_strict"]["mean"] == 1.0  # events were kept
    args = data["layers"]["arguments"]["labels"]["all"]["f1_strict"]["value"]
    assert args[0][2] == 1.0
    per_doc = data["layers"]["entities"]["documents"]
    assert set(per_doc) == set(data["documents"])
    assert data["pairs"][1]["f1"]["strict"] == 1.0  # alice vs carol, the nervaluate scores


def test_bad_input_one_line_exit_2(tmp_path, capsys):
    dirs = write_attributions(tmp_path)
    assert main(["agree", *dirs, "--resamples", "-1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--resamples" in err
    (tmp_path / "ann2" / "talks.yaml").write_text("format: annotator/1\nentities: [\n", encoding="utf-8")
    assert main(["agree", *dirs]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "talks.yaml" in err


def test_annotators_are_named_as_their_files_record_them(tmp_path, capsys):
    """The git layout (every clone's ``annotations/``): the tables name each
    annotator by the ``by`` their files record, as merge does, beside the folder;
    ``--json`` keeps the folders in ``annotators`` and adds ``names``."""
    import shutil

    dirs = write_attributions(tmp_path)
    clones = []
    for d, who in zip(dirs[:2], ("alice", "bob")):
        target = tmp_path / who / "annotations"
        target.parent.mkdir()
        text = (Path(d) / "talks.yaml").read_text(encoding="utf-8").replace(f"by: {Path(d).name}", f"by: {who}")
        shutil.rmtree(d)
        target.mkdir()
        (target / "talks.yaml").write_text(text.replace("../seeds/", "../../seeds/"), encoding="utf-8")
        clones.append(str(target))
    assert main(["agree", *clones, "--json", "--resamples", "0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["annotators"] == clones and data["names"] == ["alice", "bob"]
    assert main(["agree", *clones, "--markdown", "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    assert f"| 1 | alice | {clones[0]} |" in out and f"| 2 | bob | {clones[1]} |" in out
    assert "### alice vs bob: entities (1 article" in out
