"""`annotator agree DIR_A DIR_B [...]`: agreement between annotators on the same articles.

Each path is one annotator's annotation folder (or a single file); articles are
paired by their path in the folder (``store.files.annotation_files_in``:
subfolders too). Every layer (entities, event triggers and arguments,
attributions, relations) over the articles all of them annotated: pairwise F1
(strict and by overlap), Cohen's kappa per pair, Fleiss' kappa and Krippendorff's
alpha over all, per label and per article, with bootstrap intervals over articles
(``annotator.audit.panel``). ``pairs`` keeps the entity scores of each pair on the
articles both annotated (the first as reference). Only accepted annotations count.
"""

from __future__ import annotations

import argparse

from ..errors import InputError
from .audit import emit, left_out_note, load_articles, load_schema_arg
from . import defaults

#: Rows of the per-article table shown in the terminal (``--json``/``--markdown``: all).
ARTICLE_ROWS = 10
LAYER_TITLES = {
    "entities": "Entities",
    "triggers": "Event triggers",
    "arguments": "Event arguments",
    "attributions": "Attributions",
    "relations": "Relations",
}


def register(sub) -> None:
    p = sub.add_parser(
        "agree",
        help="agreement between annotators on every layer (F1, Cohen, Fleiss, Krippendorff)",
        description=(
            "Agreement between annotators who annotated the same articles, on every layer: entities, "
            "event triggers and arguments, attributions (source, cue, content and the whole) and relations. "
            "Pairwise F1 (strict and overlapping) as a matrix, Cohen's kappa per pair, Fleiss' kappa and "
            "Krippendorff's alpha over all annotators (token level, 'no annotation' a category), per label and "
            "per article, with 95%% bootstrap intervals over articles. Only accepted annotations count; "
            "articles are paired by their path in the folder (subfolders included)."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="DIR", help="one annotation folder (or file) per annotator; two or more")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (stable keys, see the README) instead of tables")
    fmt.add_argument("--markdown", action="store_true", help="print Markdown tables")
    p.add_argument("--resamples", type=int, default=1000, metavar="N", help="bootstrap resamples of the articles (default 1000; 0: no intervals)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the bootstrap (default 0): the same seed gives the same intervals")
    p.add_argument("--schema", metavar="FILE", help="label schema used to read the files (default: settings, else none: any label is read)")
    p.set_defaults(func=run)


#: Fewer articles than this are scored in this process alone (a worker costs a few hundredths of a second).
FORK_MIN_ARTICLES = 100
#: The layers a forked worker scores (about half of the work: the pairs and the
#: other layers are this process's).
WORKER_LAYERS = ("entities", "triggers", "relations")


def tokenize_all(sets, tokens: dict) -> None:
    """Every article's tokens into ``tokens`` (the cache ``units.TokenGrid`` fills)."""
    from ..audit.units import TokenGrid

    texts = {}
    for by_name in sets.values():
        for aset in by_name.values():
            texts.setdefault(aset.document.text, None)
    TokenGrid(list(texts), tokens)


def run(args: argparse.Namespace) -> int:
    from ..audit import agreements
    from ..audit.layers import LAYERS
    from ..audit.panel import agreement_panel
    from ..audit.selection import group_by_article
    from ..consensus import names_of
    from .audit import Forked, spare_core

    if len(args.paths) < 2:
        raise InputError(args.paths[0], "agree needs two or more annotators' folders")
    if args.resamples < 0:
        raise InputError("--resamples", f"takes 0 or more, not {args.resamples}")
    schema = load_schema_arg(defaults.schema_file(args))
    files, notes = group_by_article(args.paths)
    anywhere = set.union(*(set(f) for f in files.values()))
    # Load what at least two annotators share.
    needed = {n for n in anywhere if sum(n in f for f in files.values()) >= 2}
    if not needed:
        raise InputError(args.paths[1], f"no annotation file with the same name as in {args.paths[0]}")
    # A file that cannot be used is one line on stderr and its article is left out (the batch rule).
    sets, left_out = load_articles({p: {n: path for n, path in f.items() if n in needed} for p, f in files.items()}, schema)
    if left_out:
        notes.append(left_out_note(left_out))
        if not any(sets.values()):
            return 2
    everywhere = set.intersection(*(set(f) for f in sets.values()))

    tokens: dict = {}  # each article tokenized once for both
    shared = {p: {n: s[n] for n in everywhere} for p, s in sets.items()}
    worker = None
    if len(everywhere) >= FORK_MIN_ARTICLES and spare_core():
        # With a core to spare, a forked worker scores the layers of WORKER_LAYERS (it
        # sees the sets read here; only the scores come back) while this process
        # scores the pairs and the other layers. Both use the articles' tokens.
        tokenize_all(sets, tokens)
        worker = Forked(lambda: agreement_panel(shared, args.resamples, args.seed, WORKER_LAYERS, tokens).layers)
    results = agreements(sets, tokens)
    for r in results:
        if not r.articles:
            notes.append(f"{r.a} and {r.b} share no article")
    if not everywhere:
        notes.append("no article is annotated by all of them: the layers are not scored")
    if worker is None:
        panel = agreement_panel(shared, args.resamples, args.seed, tokens=tokens)
    else:
        here = [layer for layer in LAYERS if layer not in WORKER_LAYERS]
        panel = agreement_panel(shared, args.resamples, args.seed, here, tokens)
        done = {**panel.layers, **worker.result()}
        panel.layers = {layer: done[layer] for layer in LAYERS}
    # each annotator by the name their files record (``by``), else by their folder (as merge names them)
    names = names_of(args.paths, {p: list(s.values()) for p, s in sets.items()})
    data = {
        "annotators": list(args.paths),
        "names": names,
        "articles": len(everywhere),
        "pairs": [r.to_dict() for r in results],
        "notes": notes,
    }
    whole = panel.to_dict()
    data["documents"] = whole["articles"]
    data["bootstrap"] = whole["bootstrap"]
    data["layers"] = whole["layers"]
    emit(args, data, tables(args.paths, results, panel, full=args.markdown, names=names), notes)
    return 2 if left_out else 0


def _n(x, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _ci(est) -> str:
    if est is None or est.low is None:
        return "-"
    return f"[{est.low:.2f}, {est.high:.2f}]"


def tables(paths, results, panel, full: bool = False, names=None):
    """(title, header, rows) tables: annotators (``names``, as ``consensus.names_of``
    gives them, with their folders), the legacy entity table of a single pair,
    then per layer a summary by label and the pairwise matrix, then the articles."""
    out = []
    layers = {k: v for k, v in panel.layers.items() if not v.empty}
    n_art = len(panel.articles)
    names = list(paths) if names is None else list(names)
    folder = [] if names == list(paths) else ["folder"]
    rows = [[str(k + 1), n, *([p] if folder else []), *(str(v.annotations[k]) for v in layers.values())]
            for k, (n, p) in enumerate(zip(names, paths))]
    out.append((f"Annotators ({n_art} article{'s' if n_art != 1 else ''} annotated by all)",
                ["#", "annotator", *folder, *layers], rows))
    name_of = dict(zip(paths, names))
    if len(results) == 1:
        r = results[0]
        d = r.to_dict()
        rows = [["all", _n(d["f1"]["strict"], 4), _n(d["f1"]["partial"], 4), _n(d["kappa"], 4)]]
        for lab, v in d["labels"].items():
            rows.append([lab, _n(v["strict_f1"], 4), _n(v["partial_f1"], 4), _n(v["kappa"], 4)])
        n = len(r.articles)
        title = f"{name_of.get(r.a, r.a)} vs {name_of.get(r.b, r.b)}: entities ({n} article{'s' if n != 1 else ''}, {r.tokens} tokens; first as reference; F1 as nervaluate scores it: a second label on one span is spurious)"
        out.append((title, ["label", "strict F1", "partial F1", "kappa"], rows))
    for name, layer in layers.items():
        rows = []
        for lab, v in layer.labels.items():
            rows.append([
                lab,
                _n(v.f1_strict.mean() if v.f1_strict else None),
                _n(v.f1_overlap.mean() if v.f1_overlap else None),
                _n(v.cohen.mean() if v.cohen else None),
                _n(v.fleiss.value if v.fleiss else None),
                _n(v.alpha.value if v.alpha else None),
                _ci(v.alpha),
            ])
        title = f"{LAYER_TITLES[name]}: {layer.units} {layer.unit}s (F1: matched one to one; F1, Cohen: mean of pairs)"
        out.append((title, ["label", "F1", "F1 overlap", "Cohen", "Fleiss", "alpha", "alpha 95% CI"], rows))
        overall = layer.labels["all"]
        N = len(paths)
        rows = []
        for i in range(N):
            row = [str(i + 1)]
            for j in range(N):
                if i == j:
                    row.append("-")
                elif i < j:
                    row.append(_n(overall.f1_strict.value[i][j]))
                else:
                    row.append(_n(overall.cohen.value[i][j] if overall.cohen else None))
            rows.append(row)
        out.append((f"{LAYER_TITLES[name]}: strict F1 above the diagonal, Cohen's kappa below",
                    ["#", *(str(k + 1) for k in range(N))], rows))
    if layers and panel.articles:
        def alpha_mean(doc):
            vals = [v.documents[doc]["alpha"] for v in layers.values() if v.documents[doc]["alpha"] is not None]
            return sum(vals) / len(vals) if vals else 2.0

        docs = sorted(panel.articles, key=lambda d: (alpha_mean(d), d))
        shown = docs if full else docs[:ARTICLE_ROWS]
        rows = []
        for doc in shown:
            name = doc if full or len(doc) <= 28 else doc[:27] + "…"
            rows.append([name, *(_n(v.documents[doc]["alpha"]) for v in layers.values())])
        more = "" if len(shown) == len(docs) else f" ({len(shown)} of {len(docs)}; --json or --markdown: all)"
        out.append((f"Articles by Krippendorff's alpha, lowest first{more}", ["article", *layers], rows))
    return out
