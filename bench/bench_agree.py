"""Agreement and merge speed: N annotators on the same articles.

    python bench/bench_agree.py [--articles 1000] [--annotators 6] [--annotations 50] [--repeat 3] [--seed 5]

Generates ARTICLES articles and, for each, a reference of about ANNOTATIONS
annotations (70% entities, the rest events with two arguments, attributions with
an entity source, and relations), and ANNOTATORS noisy copies of it (each drops,
relabels or reshapes some of them), written as YAML files in a temporary folder.
Then times, printing medians of REPEAT runs:

* loading the files (the anchor: every figure is also given as a ratio to it);
* the agreement on every layer, in memory (``annotator.audit.panel``, 1000
  bootstrap resamples), and the whole ``annotator agree --json`` command;
* the merge, in memory (``annotator.consensus``), and the whole
  ``annotator merge`` command (writing the gold files);
* each whole command in one process and with its forked worker (with a core
  to spare, agree scores some layers and merge reads, merges and writes out
  half of the articles in a worker: ``commands.audit.Forked``), the CPU of this
  process and of the worker apart;
* for each whole command in one process, where its time goes: the parts it calls are timed
  (agree: the scores, ``agreements`` and ``agreement_panel``; the output,
  ``emit``; merge: ``merge_sets``, the check before writing, the writing) and
  loading is the rest (reading the files, pairing them). CPU includes child
  processes (a process pool reading the folder).

Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator import store  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.cli import main  # noqa: E402
from annotator.model import (  # noqa: E402
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)

LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MISC")
WORDS = ("the", "army", "on", "Monday", "that", "forces", "had", "taken", "town", "near", "river", ",", ".")
CUES = ("said", "told", "claimed")


def make_article(rng: random.Random, n: int) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Text with ``n`` name slots and ``n`` cue/trigger slots."""
    parts, names, cues, pos = [], [], [], 0
    for _ in range(n):
        for _w in range(rng.randint(2, 5)):
            w = rng.choice(WORDS)
            parts.append(w)
            pos += len(w) + 1
        w = "Name%d Name%d" % (rng.randint(0, 999), rng.randint(0, 999))
        names.append((pos, pos + len(w)))
        parts.append(w)
        pos += len(w) + 1
        w = rng.choice(CUES)
        cues.append((pos, pos + len(w)))
        parts.append(w)
        pos += len(w) + 1
    return " ".join(parts) + "\n", names, cues


def reference(rng, text, names, cues, total: int) -> AnnotationSet:
    from annotator.model import Document

    x = AnnotationSet(Document(text))
    n_ent = max(4, int(total * 0.7))
    rest = total - n_ent
    for k in range(n_ent):
        s, e = names[k]
        x.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", rng.choice(LABELS), Span.of(text, s, e))
    for k in range(rest // 3):
        s, e = cues[k]
        a, b = rng.sample(range(n_ent), 2)
        x.events[f"E{k + 1}"] = Event(f"E{k + 1}", "Conflict.Attack", Span.of(text, s, e),
                                      (Argument("Attacker", f"T{a + 1}"), Argument("Target", f"T{b + 1}")))
    for k in range(rest // 3):
        s, e = cues[len(cues) // 2 + k]
        src = rng.randrange(n_ent)
        content_end = min(len(text) - 1, e + 40)
        x.attributions[f"A{k + 1}"] = Attribution(f"A{k + 1}", Ref(f"T{src + 1}"), Span.of(text, s, e), Span.of(text, e + 1, content_end))
    for k in range(rest - 2 * (rest // 3)):
        a, b = rng.sample(range(n_ent), 2)
        x.relations[f"R{k + 1}"] = Relation(f"R{k + 1}", "near", f"T{a + 1}", f"T{b + 1}")
    return x


def noisy(rng, ref: AnnotationSet, name: str) -> AnnotationSet:
    x = ref.copy()
    used = {r for ann in ref.all() for r in _refs(ann)}
    for eid, e in list(x.entities.items()):
        roll = rng.random()
        if roll < 0.06 and eid not in used:
            del x.entities[eid]
        elif roll < 0.12:
            x.entities[eid] = replace(e, label=rng.choice(LABELS))
        elif roll < 0.16 and e.end - e.start > 6:
            x.entities[eid] = replace(e, span=Span.of(x.document.text, e.start, e.start + 7))
    for eid, ev in list(x.events.items()):
        if rng.random() < 0.1:
            x.events[eid] = replace(ev, arguments=ev.arguments[:1])
    for aid, at in list(x.attributions.items()):
        if rng.random() < 0.15 and at.content is not None:
            c = at.content
            x.attributions[aid] = replace(at, content=Span.of(x.document.text, c.start, c.end - 5))
    for rid in list(x.relations):
        if rng.random() < 0.1:
            del x.relations[rid]
    for table in (x.entities, x.events, x.attributions, x.relations):
        for k, ann in list(table.items()):
            table[k] = replace(ann, by=name)
    return x


def _refs(ann):
    if isinstance(ann, Event):
        return [a.ref for a in ann.arguments]
    if isinstance(ann, Attribution) and isinstance(ann.source, Ref):
        return [ann.source.ref]
    if isinstance(ann, Relation):
        return [ann.arg1, ann.arg2]
    return []


def generate(root: Path, articles: int, annotators: int, annotations: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    dirs = [root / f"annotator{k + 1}" for k in range(annotators)]
    for i in range(articles):
        text, names, cues = make_article(rng, annotations)
        article = root / "texts" / f"a{i:04d}.txt"
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_text(text, encoding="utf-8")
        doc = read_article(article)
        ref = reference(rng, doc.text, names, cues, annotations)
        for d in dirs:
            path = d / f"a{i:04d}.yaml"
            x = noisy(rng, ref, d.name)
            out = store.new_set(doc, path)
            out.entities, out.events, out.attributions, out.relations = x.entities, x.events, x.attributions, x.relations
            store.save(out, path)
    return dirs


CPU: dict[str, float] = {}


def cpu_now() -> float:
    """CPU time of this process and of its children that have finished (a pool's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Phases:
    """Time spent inside some functions of the command (patched while it runs), per phase."""

    def __init__(self, parts: dict[str, list[tuple[object, str]]]):
        self.parts = parts
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def timing(self):
        saved = []
        for phase, targets in self.parts.items():
            self.wall.setdefault(phase, 0.0)
            self.cpu.setdefault(phase, 0.0)
            for owner, name in targets:
                fn = getattr(owner, name)
                saved.append((owner, name, fn))
                setattr(owner, name, self._timed(phase, fn))
        try:
            yield self
        finally:
            for owner, name, fn in reversed(saved):
                setattr(owner, name, fn)

    def _timed(self, phase, fn):
        def run(*a, **kw):
            t0, c0 = time.perf_counter(), cpu_now()
            try:
                return fn(*a, **kw)
            finally:
                self.wall[phase] += time.perf_counter() - t0
                self.cpu[phase] += cpu_now() - c0
        return run


def both_ways(title: str, command, repeat: int, t_load: float) -> None:
    """The whole command in one process and with its forked worker (``audit.FORK``;
    by default it takes one only when a core is idle): medians of wall, of this
    process's CPU and of the worker's (a figure that does not depend on the
    neighbours: on an idle machine the wall is about this process's CPU)."""
    from annotator.commands import audit

    auto = audit.spare_core()
    saved = audit.FORK
    try:
        for fork, how in ((False, "1 process"), (True, "+ worker")):
            audit.FORK = fork
            walls, mine, kids = [], [], []
            for _ in range(repeat):
                t0, c0, k0 = time.perf_counter(), time.process_time(), cpu_now() - time.process_time()
                command()
                walls.append(time.perf_counter() - t0)
                mine.append(time.process_time() - c0)
                kids.append(cpu_now() - time.process_time() - k0)
            wall = statistics.median(walls)
            print(f"{title + ', ' + how + ' (whole)':40s} {wall:7.3f} s (cpu {statistics.median(mine):6.3f} s here, "
                  f"{statistics.median(kids):6.3f} s worker)   {wall / t_load:5.2f}x load")
    finally:
        audit.FORK = saved
    print(f"{'':40s} (now, by the load average, the command would run {'with a worker' if auto else 'in one process'})")


def whole_command(argv: list[str], parts: dict, repeat: int) -> tuple[dict, dict]:
    """Median wall and CPU of each phase of ``main(argv)`` over ``repeat`` runs; "load" is the rest.
    In one process (``audit.FORK`` off): a forked worker's phases would not be seen here."""
    from annotator.commands import audit

    saved = audit.FORK
    audit.FORK = False
    try:
        return _whole_command(argv, parts, repeat)
    finally:
        audit.FORK = saved


def _whole_command(argv: list[str], parts: dict, repeat: int) -> tuple[dict, dict]:
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    for k in range(repeat):
        args = [a.replace("{k}", str(k)) for a in argv]
        ph = Phases(parts)
        with ph.timing(), contextlib.redirect_stdout(io.StringIO()):
            t0, c0 = time.perf_counter(), cpu_now()
            assert main(args) in (0,)
            wall, cpu = time.perf_counter() - t0, cpu_now() - c0
        walls.setdefault("load", []).append(wall - sum(ph.wall.values()))
        cpus.setdefault("load", []).append(cpu - sum(ph.cpu.values()))
        for phase in parts:
            walls.setdefault(phase, []).append(ph.wall[phase])
            cpus.setdefault(phase, []).append(ph.cpu[phase])
        walls.setdefault("total", []).append(wall)
        cpus.setdefault("total", []).append(cpu)
    return ({k: statistics.median(v) for k, v in walls.items()}, {k: statistics.median(v) for k, v in cpus.items()})


def print_phases(title: str, wall: dict, cpu: dict) -> None:
    order = ["load", *[k for k in wall if k not in ("load", "total")]]
    parts = ", ".join(f"{k} {wall[k]:.2f} s (cpu {cpu[k]:.2f})" for k in order)
    print(f"{title:40s} {wall['total']:7.3f} s (cpu {cpu['total']:6.3f} s) = {parts}")


def timed(fn, repeat: int, name: str = "") -> tuple[float, object]:
    """Median wall time of ``repeat`` runs (and, in ``CPU[name]``, the median CPU time:
    on a shared machine that is the figure that does not depend on the neighbours)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[name] = statistics.median(cpu)
    return statistics.median(times), result


def main_bench() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--annotators", type=int, default=6)
    ap.add_argument("--annotations", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--load-only", action="store_true",
                    help="only the loading: file by file, store.read_sets here, store.read_sets with its pool")
    args = ap.parse_args()

    from annotator.audit.panel import agreement_panel
    from annotator.consensus import merge_sets

    with tempfile.TemporaryDirectory(prefix="bench-agree-") as tmp:
        root = Path(tmp)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        t0 = time.perf_counter()
        dirs = generate(root, args.articles, args.annotators, args.annotations, args.seed)
        print(f"generated {args.articles} articles x {args.annotators} annotators x ~{args.annotations} annotations "
              f"in {time.perf_counter() - t0:.1f} s")

        def load_all():
            return {d.name: {p.stem: store.read(p).checked() for p in sorted(d.glob("*.yaml"))} for d in dirs}

        t_load, sets = timed(load_all, args.repeat, "load")
        n_ann = sum(len(s) for by in sets.values() for s in by.values())
        print(f"{'load the files (anchor)':40s} {t_load:7.3f} s (cpu {CPU['load']:6.3f} s)   ({n_ann} annotations)")
        if args.load_only:
            load_figures(dirs, args.repeat, t_load)
            return

        t_agree, panel = timed(lambda: agreement_panel(sets), args.repeat, "agree")
        print(f"{'agreement, every layer, in memory':40s} {t_agree:7.3f} s (cpu {CPU['agree']:6.3f} s)   {t_agree / t_load:5.2f}x load")
        ents = panel.layers["entities"].labels["all"]
        print(f"{'':40s} entities: alpha {ents.alpha.value:.4f} [{ents.alpha.low:.4f}, {ents.alpha.high:.4f}], "
              f"Fleiss {ents.fleiss.value:.4f}, mean strict F1 {ents.f1_strict.mean():.4f}")

        def agree_cmd():
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["agree", *map(str, dirs), "--json"]) == 0

        both_ways("annotator agree --json", agree_cmd, args.repeat, t_load)

        import annotator.audit as audit_pkg
        import annotator.audit.panel as panel_mod
        import annotator.commands.agree as agree_mod
        import annotator.commands.merge as merge_mod
        import annotator.consensus as consensus_mod

        wall, cpu = whole_command(
            ["agree", *map(str, dirs), "--json"],
            {"compute": [(audit_pkg, "agreements"), (panel_mod, "agreement_panel")], "output": [(agree_mod, "emit")]},
            args.repeat,
        )
        print_phases("  agree --json, by phase", wall, cpu)

        names = sorted(sets[dirs[0].name])

        def merge_all():
            acc = cand = 0
            for n in names:
                m = merge_sets({d: sets[d][n] for d in sets}, sets[dirs[0].name][n].document)
                acc += m.accepted
                cand += m.candidates
            return acc, cand

        t_merge, (acc, cand) = timed(merge_all, args.repeat, "merge")
        print(f"{'merge, in memory':40s} {t_merge:7.3f} s (cpu {CPU['merge']:6.3f} s)   {t_merge / t_load:5.2f}x load   ({acc} accepted, {cand} left)")

        def merge_cmd(k=[0]):
            k[0] += 1
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["merge", *map(str, dirs), "-o", str(root / f"gold{k[0]}")]) == 0

        both_ways("annotator merge", merge_cmd, args.repeat, t_load)
        wall, cpu = whole_command(
            ["merge", *map(str, dirs), "-o", str(root / "phases{k}")],
            {"merge": [(consensus_mod, "merge_sets")], "check": [(merge_mod, "_problem")],
             "write": [(merge_mod, "_text"), (merge_mod, "_write"), (merge_mod, "_place_all")]},
            args.repeat,
        )
        print_phases("  merge, by phase", wall, cpu)


def load_figures(dirs: list[Path], repeat: int, t_load: float) -> None:
    """``store.read_sets`` on all the files, here and with its process pool (CPU: this
    process, and the workers')."""
    import resource

    files = [p for d in dirs for p in sorted(d.glob("*.yaml"))]

    def children() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    for name, workers in (("store.read_sets, here", 1), ("store.read_sets, pool of 2", 2)):
        k0 = children()
        t, _ = timed(lambda: store.read_sets(files, workers=workers), repeat, name)
        kids = (children() - k0) / repeat
        print(f"{name:40s} {t:7.3f} s (cpu {CPU[name]:6.3f} s, workers {kids:6.3f} s)   {t / t_load:5.2f}x load")


if __name__ == "__main__":
    main_bench()
