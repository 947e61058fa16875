"""`annotator agree` on the seed article and its gold (seeds/, annotations/), against the
reference scorers: scikit-learn's ``cohen_kappa_score``, statsmodels' ``fleiss_kappa``
and the ``krippendorff`` package's ``alpha`` (nominal).

The annotators are the gold and copies of it with events taken out, arguments changed
and entities missed or relabelled. The references are given the token labels built
here from the YAML files, one row per token of the app's tokenizer: a token takes the
label of the first mark covering it (by position, then label), ``O`` when none does;
per label, whether it carries the label. The arguments layer counts the arguments of
the triggers both annotators of a pair marked (Cohen's kappa, F1), or all of them
(Fleiss' kappa, Krippendorff's alpha).
"""

from __future__ import annotations

import json
import random
import shutil
import warnings
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import yaml
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from annotator.cli import main
from annotator.text import tokenize

ROOT = Path(__file__).resolve().parent.parent
NAME = "sdf-captures-deir-el-zor"
SEED = ROOT / "seeds" / f"{NAME}.txt"
GOLD = ROOT / "annotations" / f"{NAME}.yaml"
ENTITY_LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE")


def gold() -> dict:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


def without_events(d: dict, *ids: str) -> dict:
    return dict(d, events=[e for e in d["events"] if e["id"] not in ids])


def with_arguments(d: dict, event: str, change) -> dict:
    return dict(d, events=[dict(e, arguments=change(list(e["arguments"]))) if e["id"] == event else e for e in d["events"]])


def entities_perturbed(d: dict, seed: int) -> dict:
    """Some entities missed, some relabelled (none that an event or attribution refers to is missed)."""
    r = random.Random(seed)
    used = {a["ref"] for e in d.get("events", []) for a in e["arguments"]}
    used |= {x for at in d.get("attributions", []) for x in [at.get("source", {}).get("ref")] if x}
    used |= {x for rel in d.get("relations", []) for x in (rel.get("arg1"), rel.get("arg2"))}
    out = []
    for e in d["entities"]:
        x = r.random()
        if x < 0.15 and e["id"] not in used:
            continue
        if x < 0.35:
            e = dict(e, label=r.choice([lab for lab in ENTITY_LABELS if lab != e["label"]]))
        out.append(e)
    return dict(d, entities=out)


def write(root: Path, sets: dict[str, dict]) -> list[str]:
    (root / "seeds").mkdir(exist_ok=True)
    shutil.copy(SEED, root / "seeds" / SEED.name)
    dirs = []
    for who, d in sets.items():
        (root / who).mkdir()
        (root / who / GOLD.name).write_text(
            yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=10000), encoding="utf-8"
        )
        dirs.append(str(root / who))
    return dirs


def agree(root: Path, sets: dict[str, dict], capsys) -> dict:
    dirs = write(root, sets)
    assert main(["agree", *dirs, "--json", "--resamples", "0"]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------
# The token labels, built here
# ---------------------------------------------------------------------------
TEXT = SEED.read_text(encoding="utf-8")
TOKENS = tokenize(TEXT)


def label_tokens(marks: list[tuple[int, int, str]]) -> list[str]:
    """The first mark (by position, then label) covering each token, or O."""
    out = ["O"] * len(TOKENS.starts)
    for s, e, lab in sorted(marks):
        for t, (ts, te) in enumerate(zip(TOKENS.starts, TOKENS.ends)):
            if ts < e and te > s and out[t] == "O":
                out[t] = lab
    return out


def carry(marks: list[tuple[int, int, str]], label: str) -> list[bool]:
    out = [False] * len(TOKENS.starts)
    for s, e, lab in marks:
        if lab == label:
            for t, (ts, te) in enumerate(zip(TOKENS.starts, TOKENS.ends)):
                if ts < e and te > s:
                    out[t] = True
    return out


def entity_marks(d: dict) -> list[tuple[int, int, str]]:
    return [(e["start"], e["end"], e["label"]) for e in d["entities"]]


def triggers(d: dict) -> set[tuple[int, int]]:
    return {(e["trigger"]["start"], e["trigger"]["end"]) for e in d["events"]}


def argument_marks(d: dict, on: set[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The fillers' spans, labelled with their role, of the events whose trigger is in ``on``."""
    ent = {e["id"]: e for e in d["entities"]}
    return [
        (ent[a["ref"]]["start"], ent[a["ref"]]["end"], a["role"])
        for e in d["events"] if (e["trigger"]["start"], e["trigger"]["end"]) in on
        for a in e["arguments"]
    ]


def argument_items(d: dict, on: set[tuple[int, int]]) -> list[tuple]:
    """(trigger, filler start, filler end, role) of the events whose trigger is in ``on``."""
    ent = {e["id"]: e for e in d["entities"]}
    return [
        ((e["trigger"]["start"], e["trigger"]["end"]), ent[a["ref"]]["start"], ent[a["ref"]]["end"], a["role"])
        for e in d["events"] if (e["trigger"]["start"], e["trigger"]["end"]) in on
        for a in e["arguments"]
    ]


# ---------------------------------------------------------------------------
# The references
# ---------------------------------------------------------------------------
def ref_cohen(y1, y2):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = cohen_kappa_score(y1, y2)
    return None if k != k else float(k)


def ref_fleiss(rows):
    """``rows``: one sequence per annotator, one category per token."""
    table, _cats = aggregate_raters(np.array(rows, dtype=object).T.astype(str))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        k = fleiss_kappa(table, method="fleiss")
    return None if k != k else float(k)


def ref_alpha(rows):
    cats = sorted({c for r in rows for c in r})
    code = {c: i for i, c in enumerate(cats)}
    data = np.array([[code[c] for c in r] for r in rows], dtype=float)  # annotators x tokens
    try:
        a = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # one value only
        return None
    return None if a != a else float(a)


def same(ours, ref) -> bool:
    if ref is None:
        return ours is None
    return ours is not None and ours == pytest.approx(ref, abs=1e-12)


def check_layer(layer: dict, marks_all: list, marks_pair: dict) -> int:
    """Every coefficient of a layer against the references: Fleiss and alpha on
    ``marks_all`` (one list of marks per annotator), Cohen on ``marks_pair[(a, b)]``
    (the pair's two lists). Returns how many values were compared."""
    checked = 0
    labels = sorted({m[2] for ms in marks_all for m in ms} | {m[2] for two in marks_pair.values() for ms in two for m in ms})
    for lab in ["all", *labels]:
        got = layer["labels"][lab]
        if lab == "all":
            rows = [label_tokens(ms) for ms in marks_all]
        else:
            rows = [carry(ms, lab) for ms in marks_all]
        assert same(got["fleiss"]["value"], ref_fleiss(rows)), (lab, "fleiss")
        assert same(got["alpha"]["value"], ref_alpha(rows)), (lab, "alpha")
        for (a, b), (ma, mb) in marks_pair.items():
            if lab == "all":
                ya, yb = label_tokens(ma), label_tokens(mb)
            else:
                ya, yb = carry(ma, lab), carry(mb, lab)
            assert same(got["cohen"]["value"][a][b], ref_cohen(ya, yb)), (lab, "cohen", a, b)
            assert got["cohen"]["value"][b][a] == got["cohen"]["value"][a][b]
        checked += 2 + len(marks_pair)
    return checked


# ---------------------------------------------------------------------------
# Event arguments: on the triggers both (all) marked
# ---------------------------------------------------------------------------
def test_arguments_of_an_event_one_annotator_lacks_are_not_counted(tmp_path, capsys):
    """carol is the gold without E3: on the triggers both marked, she and the gold agree on
    every argument, and the kappa says so as the F1 does (it counted E3's arguments)."""
    g = gold()
    data = agree(tmp_path, {"alice": g, "carol": without_events(g, "E3")}, capsys)
    args = data["layers"]["arguments"]["labels"]
    assert args["all"]["f1_strict"]["value"][0][1] == 1.0
    assert args["all"]["cohen"]["value"][0][1] == 1.0
    assert args["all"]["fleiss"]["value"] == 1.0
    assert args["all"]["alpha"]["value"] == 1.0
    # the triggers: carol missed one
    assert data["layers"]["triggers"]["labels"]["all"]["f1_strict"]["value"][0][1] < 1.0


def three_annotators() -> dict[str, dict]:
    g = gold()
    # bob: no E5, E6's Artifact an Agent, E4 without its Time
    bob = without_events(g, "E5")
    bob = with_arguments(bob, "E6", lambda args: [dict(a, role="Agent") if a["role"] == "Artifact" else a for a in args])
    bob = with_arguments(bob, "E4", lambda args: [a for a in args if a["role"] != "Time"])
    # carol: no E3, E1 without its second Place, one more argument on E2
    carol = without_events(g, "E3")
    carol = with_arguments(carol, "E1", lambda args: [a for a in args if a["ref"] != "T10"])
    carol = with_arguments(carol, "E2", lambda args: args + [{"role": "Time", "ref": "T12"}])
    return {"alice": g, "bob": entities_perturbed(bob, 5), "carol": entities_perturbed(carol, 11)}


def test_three_annotators_arguments_against_the_references(tmp_path, capsys):
    sets = three_annotators()
    data = agree(tmp_path, sets, capsys)
    ds = list(sets.values())
    shared = set.intersection(*(triggers(d) for d in ds))
    marks_all = [argument_marks(d, shared) for d in ds]
    marks_pair = {}
    for a in range(3):
        for b in range(a + 1, 3):
            both = triggers(ds[a]) & triggers(ds[b])
            marks_pair[(a, b)] = (argument_marks(ds[a], both), argument_marks(ds[b], both))
    layer = data["layers"]["arguments"]
    assert check_layer(layer, marks_all, marks_pair) > 20
    # F1 counts the same arguments as Cohen: those of the triggers both marked
    f1 = layer["labels"]["all"]["f1_strict"]["value"]
    for a, b in marks_pair:
        both = triggers(ds[a]) & triggers(ds[b])
        ia, ib = Counter(argument_items(ds[a], both)), Counter(argument_items(ds[b], both))
        assert f1[a][b] == 2 * sum((ia & ib).values()) / (sum(ia.values()) + sum(ib.values()))
