"""Suggesters: quality of `rules` on the seed against its gold, and speed on 1 MB.

    python bench/bench_suggest.py                 # both parts
    python bench/bench_suggest.py --quality       # precision / recall only
    python bench/bench_suggest.py --speed         # timing only
    python bench/bench_suggest.py --speed --command --runs 7   # only the whole `annotator suggest` command
    python bench/bench_suggest.py --speed --command --before ../old   # and an older checkout's, in turn
    python bench/bench_suggest.py --speed --command --own   # only the 1 MB article with its own 50,000 entities
    python bench/bench_suggest.py --quality --show   # also list every miss and false alarm

Quality: `rules` runs on the seed with an empty annotation set; its gazetteer
learns from every file in the annotations folder except the gold of the seed
itself (any file with the seed's sha256 is left out). Scores are strict:
entities by span + label; events by trigger span + type (arguments by
trigger + type + role + argument span); attributions by cue span, and their
source / content by exact span among matched cues. Also shown: the same with
the schema's words alone (no annotations folder at all).

Speed: suggest on a generated 1 MB article (bench/gen.py), in process and as the
`annotator suggest` command (start, learn, suggest, save), then again (nothing new):
the command's figures are the median wall and CPU of --runs runs, each on a fresh
copy of the article and the annotations folder, then the CPU of its steps (imports,
read, propose, merge, add_many, save) from a child that does them one by one.
These articles' own files are left out of the folder (an empty set, learning from
another article's gold); one more case, the command alone: the 1 MB article of
``gen.ensure(1_000_000, 50_000)`` with its own file of 50,000 entities in the
folder (the gazetteer learns from them, and the article holds them already).
Figures only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from annotator import store  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.model import (  # noqa: E402
    ACCEPTED,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Span,
)
from annotator.schema import default_schema  # noqa: E402
from annotator.suggest import merge, suggest_into  # noqa: E402
from annotator.suggest.rules import RulesSuggester  # noqa: E402

SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"


# -- quality --------------------------------------------------------------------------------


def prf(tp: int, n_pred: int, n_gold: int) -> str:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:6.1%}  R {r:6.1%}  F1 {f:6.1%}   ({tp} right of {n_pred} suggested, {n_gold} in gold)"


def _span_of(aset: AnnotationSet, part) -> tuple | None:
    if isinstance(part, Ref):
        e = aset.entities.get(part.ref)
        return e.fragments if e is not None else None
    if isinstance(part, Span):
        return part.fragments
    return None


def keys(aset: AnnotationSet, *, accepted_only: bool) -> dict[str, set]:
    ok = (lambda a: a.status == ACCEPTED) if accepted_only else (lambda a: True)
    ents = {(e.fragments, e.label) for e in aset.entities.values() if ok(e)}
    spans = {e.fragments for e in aset.entities.values() if ok(e)}
    events = {(ev.trigger.fragments, ev.type) for ev in aset.events.values() if ok(ev)}
    args = set()
    for ev in aset.events.values():
        if ok(ev):
            for a in ev.arguments:
                target = aset.entities.get(a.ref)
                if target is not None:
                    args.add((ev.trigger.fragments, ev.type, a.role, target.fragments))
    cues = {at.cue.fragments for at in aset.attributions.values() if ok(at) and at.cue is not None}
    sources = {
        (at.cue.fragments, _span_of(aset, at.source))
        for at in aset.attributions.values()
        if ok(at) and at.cue is not None and at.source is not None
    }
    contents = {
        (at.cue.fragments, at.content.fragments)
        for at in aset.attributions.values()
        if ok(at) and at.cue is not None and at.content is not None
    }
    return {
        "entities (span + label)": ents,
        "entities (span only)": spans,
        "events (trigger + type)": events,
        "event arguments": args,
        "attributions (cue)": cues,
        "attribution sources": sources,
        "attribution contents": contents,
    }


def quality(annotations_dir: Path, show: bool) -> None:
    schema = default_schema()
    gold_path = store.annotation_path(SEED, annotations_dir)
    doc = read_article(SEED)
    if not gold_path.exists():
        print(f"quality: no gold yet ({gold_path}); showing what `rules` suggests on the seed instead")
        gold = None
    else:
        gold = store.read(store.annotation_path(SEED, annotations_dir), article=read_article(SEED), schema=schema, editing=True).checked()
    runs = [("gazetteer from the annotations folder (seed's own gold left out)", annotations_dir)]
    runs.append(("schema words and name rules alone (no annotations folder)", None))
    for title, folder in runs:
        empty = AnnotationSet(store.new_set(doc, gold_path).document)
        sugg = RulesSuggester(schema, folder)
        t0 = time.perf_counter()
        new = merge(empty, sugg.propose(empty), sugg.name)
        dt = time.perf_counter() - t0
        pred = AnnotationSet(empty.document)
        for a in new:
            pred.table(type(a))[a.id] = a
        counts = Counter(type(a).__name__ for a in new)
        learned = sugg.learned_files(doc.sha256)
        print(f"\n== rules on the seed: {title}")
        print(f"   learned from {learned} other file(s); {dict(counts)} in {dt * 1000:.0f} ms")
        if gold is None:
            for a in new:
                print("   ", _describe(pred, a))
            continue
        g = keys(gold, accepted_only=True)
        p = keys(pred, accepted_only=False)
        for name in g:
            if name in ("attribution sources", "attribution contents"):
                matched_cues = g["attributions (cue)"] & p["attributions (cue)"]
                gp = {k for k in g[name] if k[0] in matched_cues}
                pp = {k for k in p[name] if k[0] in matched_cues}
                print(f"   {name:28s} {prf(len(gp & pp), len(pp), len(gp))}  [among matched cues]")
            else:
                print(f"   {name:28s} {prf(len(g[name] & p[name]), len(p[name]), len(g[name]))}")
        # Per label, entities.
        labels = sorted({lab for _, lab in g["entities (span + label)"] | p["entities (span + label)"]})
        for lab in labels:
            gl = {k for k in g["entities (span + label)"] if k[1] == lab}
            pl = {k for k in p["entities (span + label)"] if k[1] == lab}
            print(f"     {lab:6s} {prf(len(gl & pl), len(pl), len(gl))}")
        if show:
            text = doc.text
            name = "entities (span + label)"
            for tag, items in (("missed", g[name] - p[name]), ("false alarm", p[name] - g[name])):
                for frags, lab in sorted(items):
                    print(f"   {tag:11s} {lab:5s} {' '.join(text[s:e] for s, e in frags)!r} at {frags[0][0]}")
            name = "events (trigger + type)"
            for tag, items in (("missed", g[name] - p[name]), ("false alarm", p[name] - g[name])):
                for frags, typ in sorted(items):
                    print(f"   {tag:11s} {typ} {' '.join(text[s:e] for s, e in frags)!r} at {frags[0][0]}")
            name = "attributions (cue)"
            for tag, items in (("missed", g[name] - p[name]), ("false alarm", p[name] - g[name])):
                for frags in sorted(items):
                    print(f"   {tag:11s} cue {' '.join(text[s:e] for s, e in frags)!r} at {frags[0][0]}")


def _cut(aset: AnnotationSet, lo: int, hi: int, doc: Document) -> AnnotationSet:
    """The annotations lying wholly in text[lo:hi], shifted to start at 0, over ``doc``."""
    from dataclasses import replace

    def inside(span: Span | None) -> bool:
        return span is None or (lo <= span.start and span.end <= hi)

    def shift(span):
        if not isinstance(span, Span):
            return span
        return Span(tuple((s - lo, e - lo) for s, e in span.fragments), span.text)

    out = AnnotationSet(doc)
    for e in aset.entities.values():
        if inside(e.span):
            out.entities[e.id] = replace(e, span=shift(e.span))
    for ev in aset.events.values():
        if inside(ev.trigger):
            args = tuple(a for a in ev.arguments if a.ref in out.entities)
            out.events[ev.id] = replace(ev, trigger=shift(ev.trigger), arguments=args)
    for at in aset.attributions.values():
        if all(inside(p) for p in at.spans()):
            source = at.source if not isinstance(at.source, Ref) or at.source.ref in out.entities else None
            out.attributions[at.id] = replace(
                at, source=shift(source), cue=shift(at.cue), content=shift(at.content)
            )
    return out


def halves(annotations_dir: Path, show: bool) -> None:
    """An entity tagged once is suggested elsewhere: learn from the gold of the seed's
    first half (as another article), suggest on its second half, score there."""
    import hashlib

    gold_path = store.annotation_path(SEED, annotations_dir)
    if not gold_path.exists():
        return
    schema = default_schema()
    gold = store.read(store.annotation_path(SEED, annotations_dir), article=read_article(SEED), schema=schema, editing=True).checked()
    text = gold.document.text
    cut = text.index("\n", len(text) // 2) + 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first, second = tmp / "first-half.txt", tmp / "second-half.txt"
        first.write_text(text[:cut], encoding="utf-8", newline="")
        second.write_text(text[cut:], encoding="utf-8", newline="")
        ann = tmp / "annotations"
        doc1 = store.new_set(read_article(first), store.annotation_path(first, ann)).document
        store.save(_cut(gold, 0, cut, doc1), store.annotation_path(first, ann))
        doc2 = read_article(second)
        empty = AnnotationSet(Document(doc2.text, doc2.path, hashlib.sha256(doc2.text.encode()).hexdigest()))
        g2 = _cut(gold, cut, len(text), empty.document)
        for title, folder in (("learning from the first half's gold", ann), ("without it", None)):
            sugg = RulesSuggester(schema, folder)
            new = merge(empty, sugg.propose(empty), sugg.name)
            pred = AnnotationSet(empty.document)
            for a in new:
                pred.table(type(a))[a.id] = a
            g, p = keys(g2, accepted_only=True), keys(pred, accepted_only=False)
            print(f"\n== rules on the seed's second half ({len(text) - cut} characters), {title}")
            for name in ("entities (span + label)", "events (trigger + type)", "attributions (cue)"):
                print(f"   {name:28s} {prf(len(g[name] & p[name]), len(p[name]), len(g[name]))}")


def _describe(aset: AnnotationSet, a) -> str:
    if isinstance(a, Entity):
        return f"{a.id:5s} {a.label:5s} {a.text!r} score {a.score}"
    if isinstance(a, Event):
        args = ", ".join(f"{x.role}={aset.entities[x.ref].text}" for x in a.arguments if x.ref in aset.entities)
        return f"{a.id:5s} {a.type} {a.trigger.text!r} [{args}] score {a.score}"
    if isinstance(a, Attribution):
        src = a.source
        src_text = aset.entities[src.ref].text if isinstance(src, Ref) and src.ref in aset.entities else (
            src.text if isinstance(src, Span) else None
        )
        content = a.content.text if a.content else ""
        return f"{a.id:5s} {a.type} source={src_text!r} cue={a.cue.text!r} content={content[:60]!r}... score {a.score}"
    return repr(a)


# -- speed ------------------------------------------------------------------------------------


def _gold_like(text: str, doc) -> AnnotationSet:
    """Accepted annotations a person would make on a bench/gen.py article: every
    name of gen's lists with its label, triggers, and "said" attributions."""
    import re

    import gen

    aset = AnnotationSet(doc)
    spans: list[tuple[int, int, str]] = []
    for names, label in ((gen._PEOPLE, "PER"), (gen._PLACES, "GPE"), (gen._ORGS, "ORG")):
        for name in names:
            for m in re.finditer(re.escape(name), text):
                spans.append((m.start(), m.end(), label))
    taken: set[int] = set()
    n = 0
    for s, e, label in sorted(spans, key=lambda x: (x[0], -x[1])):
        if any(i in taken for i in range(s, e)):
            continue
        taken.update(range(s, e))
        n += 1
        aset.entities[f"T{n}"] = Entity(f"T{n}", label, Span.of(text, s, e), by="alice")
    k = 0
    for word, type_ in (("captured", "Conflict.Capture"), ("attacked", "Conflict.Attack"), ("killed", "Life.Die")):
        for m in re.finditer(rf"\b{word}\b", text):
            k += 1
            aset.events[f"E{k}"] = Event(f"E{k}", type_, Span.of(text, m.start(), m.end()), by="alice")
    k = 0
    for m in re.finditer(r"\bsaid\b", text):
        k += 1
        end = min(len(text), m.end() + 40)
        aset.attributions[f"A{k}"] = Attribution(
            f"A{k}", None, Span.of(text, m.start(), m.end()), Span.of(text, m.end() + 1, end), by="alice"
        )
    return aset


#: the command's steps one by one in a child process, CPU seconds of each (JSON on stdout):
#: what `annotator suggest` does for one article (commands/suggest.py), the collector paused as there
_PHASES = r"""
import gc, json, sys, time
T = time.process_time
t0 = T()
from annotator.commands import defaults, suggest as _cmd
from annotator.schema import default_schema
from annotator.suggest import get_suggester, merge
from annotator import workspace
out = {"imports": T() - t0}
article, annotations = sys.argv[1], sys.argv[2]
gc.disable()
t = T(); schema = default_schema(); sugg = get_suggester("rules", schema, annotations, []); out["start"] = T() - t
t = T(); ws = workspace.open_article(article, annotations, schema, user=sugg.name, index=False); out["open (read, index)"] = T() - t
t = T(); props = sugg.propose(ws.session.aset.copy()); out["propose"] = T() - t
t = T(); new = merge(ws.session.aset, props, sugg.name); out["merge"] = T() - t
t = T()
if new:
    ws.journal.hold()  # (as the command: the record written only if the save fails)
    ws.session.add_many(f"{len(new)} suggestions from {sugg.name}", new)
out["add_many (index)"] = T() - t
t = T(); ws.save(); ws.close(save=False); out["save"] = T() - t
out["total"] = T()
print(json.dumps(out))
"""


def _phases(article: Path, annotations: Path, env: dict, cwd: Path) -> dict[str, float]:
    res = subprocess.run(
        [sys.executable, "-c", _PHASES, str(article), str(annotations)], env=env, cwd=cwd, capture_output=True,
        text=True, check=True,
    )
    import json

    return json.loads(res.stdout.strip().splitlines()[-1])


#: another checkout's root (``--before``): its `annotator suggest` run in turn with this one's
BEFORE: Path | None = None


def _command(big: Path, ann_dir: Path, tmp: Path, runs: int, own: bool = False) -> None:
    """The whole `annotator suggest` command on ``big`` (start, learn, suggest, save), in a
    fresh copy of the article and the annotations folder each run: the first run writes
    the suggestions, the second finds nothing new. Median wall and CPU (user + system
    of the child) of ``runs``; the YAML of every first run must be the same bytes.
    ``own``: the article's own file in ``ann_dir`` is copied too (else left out), and
    the article is put beside the folder, where the file's document path says.

    With ``BEFORE``: that checkout's command too, on its own fresh copy, the two in
    turn (which goes first swapped each run), and the ratio of each pair. Every
    command runs from the copy's folder, not the current one, so that its
    ``PYTHONPATH`` says whose code it runs (``python -m`` puts the current folder
    first: run from a checkout's root, both would be that checkout's)."""
    import shutil
    import statistics

    trees = [("this", ROOT)] + ([("before", BEFORE)] if BEFORE is not None else [])
    attempts = ("first run (writes)", "second run (nothing new)")
    figures = {(who, a): [] for who, _ in trees for a in attempts}  # (wall, CPU) of each run
    anchor: list[tuple[float, float]] = []  # a bare interpreter's start, in the same runs
    steps: dict[str, list[dict[str, float]]] = {}
    lines: dict[tuple[str, str], str] = {}
    written: set[bytes] = set()
    for i in range(runs):
        run = tmp / f"run{i}"
        (run / "articles").mkdir(parents=True)
        article = (run if own else run / "articles") / big.name
        shutil.copyfile(big, article)
        annotations = run / "annotations"
        ignore = shutil.ignore_patterns(f".{big.stem}.*", *(() if own else (big.stem + ".yaml",)))
        cmd = [sys.executable, "-m", "annotator", "suggest", str(article), "--with", "rules", "--annotations", str(annotations)]
        r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=run, check=True)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        anchor.append((time.perf_counter() - t0, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)))
        for who, tree in trees if i % 2 == 0 else trees[::-1]:
            env = dict(os.environ, PYTHONPATH=str(tree))
            shutil.rmtree(annotations, ignore_errors=True)
            shutil.copytree(ann_dir, annotations, ignore=ignore)
            for attempt in attempts:
                r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
                res = subprocess.run(cmd, env=env, cwd=run, capture_output=True, text=True, check=False)
                dt = time.perf_counter() - t0
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                figures[who, attempt].append((dt, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)))
                line = (res.stdout.strip() or res.stderr.strip()).splitlines()[-1]
                line = line.replace(str(article), big.name).replace(str(annotations), "annotations")[:100]
                lines[who, attempt] = f"exit {res.returncode}: {line}"
                if attempt.startswith("first"):
                    written.add(store.annotation_path(article, annotations).read_bytes())
        # this checkout's two runs step by step, on another fresh copy
        shutil.rmtree(annotations)
        shutil.copytree(ann_dir, annotations, ignore=ignore)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        for attempt in attempts:
            steps.setdefault(attempt, []).append(_phases(article, annotations, env, run))
        shutil.rmtree(run)
    for attempt in attempts:
        for who, _ in trees:
            got = figures[who, attempt]
            wall = statistics.median(w for w, _ in got)
            cpu = statistics.median(c for _, c in got)
            whose = "" if BEFORE is None else f" [{who}]"
            print(
                f"   `annotator suggest` {attempt}{whose}, median of {runs} (fresh copy each): {wall:.2f} s wall "
                f"({cpu:.2f} s CPU), {lines[who, attempt]}"
            )
        if BEFORE is not None:
            ratios = [a[0] / b[0] for a, b in zip(figures["this", attempt], figures["before", attempt])]
            cpus = [a[1] / b[1] for a, b in zip(figures["this", attempt], figures["before", attempt])]
            print(f"     this / before, run by run: wall {statistics.median(ratios):.3f}x (median; "
                  f"{min(ratios):.2f}-{max(ratios):.2f}), CPU {statistics.median(cpus):.3f}x")
    for attempt, got in steps.items():
        parts = ", ".join(f"{k} {statistics.median(g[k] for g in got):.2f}" for k in got[0] if k != "total")
        print(f"     step by step, CPU s (median): {parts}; total {statistics.median(g['total'] for g in got):.2f}"
              f"  [{attempt.split(' (')[0]}]")
    wall = statistics.median(w for w, _ in anchor)
    cpu = statistics.median(c for _, c in anchor)
    print(f"   (anchor: a bare `python -c pass` in the same runs: {wall:.3f} s wall ({cpu:.3f} s CPU))")
    if len(written) != 1:
        print(f"   !! the first runs wrote {len(written)} different files")


def speed(runs: int = 5, command_only: bool = False, own_only: bool = False) -> None:
    from gen import make_article

    schema = default_schema()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ann_dir = tmp / "annotations"
        articles = tmp / "articles"
        articles.mkdir()
        # The gazetteer: a gold-like file for another 300 KB article.
        other_text = make_article(300_000, seed=7)
        other = articles / "other.txt"
        other.write_text(other_text, encoding="utf-8", newline="")
        other_doc = store.new_set(read_article(other), store.annotation_path(other, ann_dir)).document
        other_set = _gold_like(other_doc.text, other_doc)
        store.save(other_set, store.annotation_path(other, ann_dir))
        print(
            f"\n== speed (gazetteer learned from {len(other_set.entities):,} accepted entities, "
            f"{len(other_set.events):,} events, {len(other_set.attributions):,} attributions of another article)"
        )
        cases = [
            ("bench/gen.py 1 MB article", make_article(1_000_000, seed=1)),
            ("the seed repeated to 1 MB", _repeat(SEED.read_text(encoding="utf-8"), 1_000_000)),
        ]
        for title, text in cases if not own_only else ():
            big = articles / "big.txt"
            big.write_text(text, encoding="utf-8", newline="")
            doc = read_article(big)
            aset = store.new_set(doc, store.annotation_path(big, ann_dir))
            from annotator.suggest import learned

            learned._CACHE.clear()  # the first run reads the folder's files
            if command_only:
                print(f"-- {title}: {len(text):,} characters")
                _command(big, ann_dir, tmp, runs)
                continue
            best = None
            first = None
            for _ in range(3):
                sugg = RulesSuggester(schema, ann_dir)
                c0, t0 = time.process_time(), time.perf_counter()
                props = sugg.propose(aset)
                t1 = time.perf_counter()
                new = merge(aset, props, sugg.name)
                c2, t2 = time.process_time(), time.perf_counter()
                if first is None:
                    first = (t2 - t0, c2 - c0)
                if best is None or t2 - t0 < best[0] + best[1]:
                    best = (t1 - t0, t2 - t1, c2 - c0)
            counts = Counter(type(a).__name__ for a in new)
            print(f"-- {title}: {len(text):,} characters")
            print(
                f"   suggest in process, first run (reading the folder's files): {first[0]:.2f} s wall "
                f"({first[1]:.2f} s CPU)"
            )
            print(
                f"   suggest in process (best of 3; the folder's facts kept from the first): {best[0] + best[1]:.2f} s "
                f"wall ({best[2]:.2f} s CPU) = propose {best[0]:.2f} s + merge {best[1]:.2f} s; {dict(counts)}"
            )
            _command(big, ann_dir, tmp, runs)
            store.annotation_path(big, ann_dir).unlink(missing_ok=True)
        _command_own(tmp, runs)
        if command_only:
            return
        # The app's case: a worker suggests on a 1 MB article a person has fully annotated.
        text = make_article(1_000_000, seed=1)
        held = _gold_like(text, Document(text, "big.txt", "0" * 64))
        sugg = RulesSuggester(schema, ann_dir)
        c0, t0 = time.process_time(), time.perf_counter()
        new = suggest_into(held, sugg)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"-- suggest_into on the 1 MB gen article already holding {len(held):,} accepted annotations "
            f"(the app's worker): {dt:.2f} s wall ({cpu:.2f} s CPU), {len(new):,} new"
        )
        _speed_precision()
        try:
            _speed_spacy(tmp)
        except ImportError:
            print("-- spacy not installed: spacy timing skipped")


def _command_own(tmp: Path, runs: int) -> None:
    """The command on the 1 MB article whose own file holds 50,000 entities already
    (``gen.ensure``: made once into bench/out/): the gazetteer learns from them."""
    import gen

    article, ann = gen.ensure(1_000_000, 50_000)
    print(f"-- bench/gen.py 1 MB article with its own 50,000 entities in the folder (gen.ensure(1_000_000, 50_000)): "
          f"{len(article.read_text(encoding='utf-8')):,} characters")
    own = tmp / "own"
    own.mkdir()
    _command(article, ann, own, runs, own=True)


def _speed_precision() -> None:
    """Re-estimating every rule's precision over a folder (what a worker redoes after decisions)."""
    import random

    from annotator.model import REJECTED, SUGGESTED, with_status
    from annotator.suggest.precision import estimate, most_uncertain_first

    rng = random.Random(0)
    rules = [f"rules:r{k}" for k in range(20)]
    text = "x " * 200
    sets = []
    for _ in range(1000):
        aset = AnnotationSet(Document(text, None, None))
        for n in range(1, 51):
            e = Entity(f"T{n}", "PER", Span.of(text, 2 * n, 2 * n + 1), SUGGESTED, rng.choice(rules), 0.5)
            aset.entities[e.id] = with_status(e, ACCEPTED if rng.random() < 0.7 else REJECTED, "alice") if n <= 40 else e
        sets.append(aset)
    pending = [e for a in sets[:20] for e in a.entities.values() if e.status == SUGGESTED]
    t0 = time.perf_counter()
    est = estimate(sets)
    t1 = time.perf_counter()
    most_uncertain_first(pending, est)
    t2 = time.perf_counter()
    n = sum(e.n for e in est.values())
    print(
        f"-- precision of {len(est)} rules from {n:,} decisions in 1,000 articles: {(t1 - t0) * 1000:.0f} ms; "
        f"ordering {len(pending)} pending suggestions: {(t2 - t1) * 1000:.1f} ms"
    )


def _speed_spacy(tmp: Path) -> None:
    import spacy  # noqa: F401

    from gen import make_article

    from annotator.suggest.spacy_pipeline import SpacySuggester

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": p} for p in ("Raqqa", "Aleppo", "Manbij", "Kobani")])
    folder = tmp / "ruler"
    nlp.to_disk(folder)
    text = make_article(1_000_000, seed=1)
    aset = AnnotationSet(Document(text, "big.txt", "x"))
    sugg = SpacySuggester(str(folder), default_schema())
    t0 = time.perf_counter()
    new = merge(aset, sugg.propose(aset), sugg.name)
    print(f"-- spacy:<blank en + entity_ruler> on the 1 MB article: {time.perf_counter() - t0:.2f} s, {len(new)} entities")


def _repeat(text: str, size: int) -> str:
    out = (text.rstrip("\n") + "\n\n") * (size // (len(text) + 2) + 1)
    return out[:size]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--show", action="store_true", help="list misses and false alarms")
    ap.add_argument("--runs", type=int, default=5, help="runs of the whole command (median; default 5)")
    ap.add_argument("--command", action="store_true", help="with --speed: only the whole command's figures")
    ap.add_argument(
        "--own", action="store_true",
        help="with --speed --command: only the case of the article with its own 50,000 entities",
    )
    ap.add_argument("--annotations", default=str(ROOT / "annotations"), help="annotations folder (holds the gold)")
    ap.add_argument(
        "--before", metavar="CHECKOUT",
        help="with --speed --command: another checkout's root (an older release), its command run in turn with this one's",
    )
    args = ap.parse_args()
    if args.before:
        global BEFORE
        BEFORE = Path(args.before).resolve()
        if not (BEFORE / "annotator" / "__init__.py").is_file():
            print(f"bench_suggest.py: {args.before}: not a checkout of annotator", file=sys.stderr)
            return 2
    both = not args.quality and not args.speed
    if args.quality or both:
        quality(Path(args.annotations), args.show)
        halves(Path(args.annotations), args.show)
    if args.speed or both:
        speed(args.runs, args.command or args.own, args.own)
    return 0


if __name__ == "__main__":
    sys.exit(main())
