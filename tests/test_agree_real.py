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


def attributions_perturbed(d: dict) -> dict:
    """A3 missed, A2's content shorter, A5's source the pronoun and its cue, A7 direct."""
    text = SEED.read_text(encoding="utf-8")

    def spanned(start: int, end: int) -> dict:
        return {"start": start, "end": end, "text": text[start:end]}

    out = []
    for at in d["attributions"]:
        if at["id"] == "A3":
            continue
        if at["id"] == "A2":
            at = dict(at, content=spanned(at["content"]["start"], at["content"]["end"] - 20))
        if at["id"] == "A5":
            at = dict(at, source=spanned(at["source"]["start"], at["cue"]["end"]))
        if at["id"] == "A7":
            at = dict(at, type="direct")
        out.append(at)
    return dict(d, attributions=out)


def write(root: Path, sets: dict[str, dict], articles: tuple[str, ...] = (NAME,)) -> list[str]:
    """Each annotator's folder; ``articles``: the seed under these names (its copies are other articles)."""
    (root / "seeds").mkdir(exist_ok=True)
    dirs = []
    for who, d in sets.items():
        (root / who).mkdir()
        dirs.append(str(root / who))
    for k, article in enumerate(articles):
        shutil.copy(SEED, root / "seeds" / f"{article}.txt")
        for who, d in sets.items():
            d = d[k] if isinstance(d, list) else d
            d = dict(d, document=dict(d["document"], path=f"../seeds/{article}.txt"))
            (root / who / f"{article}.yaml").write_text(
                yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=10000), encoding="utf-8"
            )
    return dirs


def agree(root: Path, sets: dict[str, dict], capsys, articles: tuple[str, ...] = (NAME,)) -> dict:
    dirs = write(root, sets, articles)
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


def trigger_marks(d: dict) -> list[tuple[int, int, str]]:
    return [(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in d["events"]]


def attribution_marks(d: dict) -> list[tuple[int, int, str]]:
    """Source (an entity's span when it refers to one), cue and content."""
    ent = {e["id"]: e for e in d["entities"]}
    out = []
    for at in d["attributions"]:
        src = ent[at["source"]["ref"]] if "ref" in at["source"] else at["source"]
        out += [(src["start"], src["end"], "source"), (at["cue"]["start"], at["cue"]["end"], "cue"),
                (at["content"]["start"], at["content"]["end"], "content")]
    return out


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
    """The very float the reference gives (None where it is undefined)."""
    if ref is None:
        return ours is None
    return ours is not None and ours == ref


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


# ---------------------------------------------------------------------------
# Every coefficient is the reference's very float
# ---------------------------------------------------------------------------
def plain(marks_of, ds: list[dict]) -> tuple[list, dict]:
    """A layer without anchors: every annotator's marks, and each pair's."""
    marks = [marks_of(d) for d in ds]
    return marks, {(a, b): (marks[a], marks[b]) for a in range(len(ds)) for b in range(a + 1, len(ds))}


def test_two_annotators_equal_the_references(tmp_path, capsys):
    """The gold and a copy with entities missed and relabelled, events and attributions changed."""
    g = gold()
    other = attributions_perturbed(with_arguments(without_events(entities_perturbed(g, 5), "E3"), "E1", lambda a: a[:2]))
    ds = [g, other]
    data = agree(tmp_path, {"a": g, "b": other}, capsys)
    layers = data["layers"]
    checked = check_layer(layers["entities"], *plain(entity_marks, ds))
    checked += check_layer(layers["triggers"], *plain(trigger_marks, ds))
    checked += check_layer(layers["attributions"], *plain(attribution_marks, ds))
    shared = triggers(g) & triggers(other)
    marks = [argument_marks(d, shared) for d in ds]
    checked += check_layer(layers["arguments"], marks, {(0, 1): tuple(marks)})
    assert checked > 50
    assert layers["entities"]["labels"]["all"]["cohen"]["value"][0][1] < 1.0


def test_three_annotators_equal_the_references(tmp_path, capsys):
    sets = three_annotators()
    sets["carol"] = attributions_perturbed(sets["carol"])
    ds = list(sets.values())
    layers = agree(tmp_path, sets, capsys)["layers"]
    checked = check_layer(layers["entities"], *plain(entity_marks, ds))
    checked += check_layer(layers["triggers"], *plain(trigger_marks, ds))
    checked += check_layer(layers["attributions"], *plain(attribution_marks, ds))
    assert checked > 50


def test_each_article_alone_equals_the_references(tmp_path, capsys):
    """Two articles (the seed under two names), annotated differently: the coefficients over
    both are the references' on the tokens of both, in order; each article's are its own."""
    g = gold()
    first = [g, entities_perturbed(g, 5), entities_perturbed(g, 6)]
    second = [entities_perturbed(g, 7), g, entities_perturbed(g, 8)]
    sets = {who: [first[k], second[k]] for k, who in enumerate(("ann1", "ann2", "ann3"))}
    data = agree(tmp_path, sets, capsys, articles=("first", "second"))
    layer = data["layers"]["entities"]
    rows = [label_tokens(entity_marks(first[k])) + label_tokens(entity_marks(second[k])) for k in range(3)]
    all_ = layer["labels"]["all"]
    assert same(all_["fleiss"]["value"], ref_fleiss(rows))
    assert same(all_["alpha"]["value"], ref_alpha(rows))
    assert same(all_["cohen"]["value"][0][2], ref_cohen(rows[0], rows[2]))
    for lab in ("GPE", "ORG", "NORP"):
        rows_l = [carry(entity_marks(first[k]), lab) + carry(entity_marks(second[k]), lab) for k in range(3)]
        assert same(layer["labels"][lab]["fleiss"]["value"], ref_fleiss(rows_l)), lab
        assert same(layer["labels"][lab]["alpha"]["value"], ref_alpha(rows_l)), lab
        assert same(layer["labels"][lab]["cohen"]["value"][1][2], ref_cohen(rows_l[1], rows_l[2])), lab
    for article, ds in (("first", first), ("second", second)):
        rows = [label_tokens(entity_marks(d)) for d in ds]
        assert same(layer["documents"][article]["fleiss"], ref_fleiss(rows)), article
        assert same(layer["documents"][article]["alpha"], ref_alpha(rows)), article


def test_a_pair_has_one_kappa(tmp_path, capsys):
    """``pairs`` and ``layers.entities`` give a pair's Cohen's kappa from one computation:
    the same float, overall and per label, and scikit-learn's."""
    sets = three_annotators()
    ds = list(sets.values())
    data = agree(tmp_path, sets, capsys)
    layer = data["layers"]["entities"]["labels"]
    for p, (a, b) in enumerate(((0, 1), (0, 2), (1, 2))):
        pair = data["pairs"][p]
        assert pair["kappa"] == layer["all"]["cohen"]["value"][a][b]
        assert pair["kappa"] == ref_cohen(label_tokens(entity_marks(ds[a])), label_tokens(entity_marks(ds[b])))
        for lab, v in pair["labels"].items():
            assert v["kappa"] == layer[lab]["cohen"]["value"][a][b], (p, lab)
