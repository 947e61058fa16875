"""Keys per reviewed suggestion on the seed (target: 1.0).

    python bench/bench_review.py

Opens the seed in the app (Pilot, headless) with `--suggest rules` and an empty
annotations folder, then reviews every suggestion as an annotator holding the gold
would: `y` if the gold has it, a digit if the gold has the span with another label,
`x` otherwise. Counts every key pressed, the first `tab` included.

Then the same review through the review queue (`S`, one key per group of
identical suggestions): keys per reviewed suggestion with grouping.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import store  # noqa: E402
from annotator.model import SUGGESTED, Attribution, Entity, Event  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.suggest import get_suggester  # noqa: E402
from annotator.tui.app import AnnotatorApp  # noqa: E402

SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"


def gold_keys():
    gold = store.read(GOLD).checked()
    ents = {(e.fragments, e.label) for e in gold.entities.values()}
    spans = {e.fragments: e.label for e in gold.entities.values()}
    events = {(ev.trigger.fragments, ev.type) for ev in gold.events.values()}
    cues = {at.cue.fragments for at in gold.attributions.values() if at.cue}
    return ents, spans, events, cues


async def main() -> None:
    schema = default_schema()
    tmp = Path(tempfile.mkdtemp())
    (tmp / "seeds").mkdir()
    article = tmp / "seeds" / SEED.name
    shutil.copyfile(SEED, article)
    ents, spans, events, cues = gold_keys()
    app = AnnotatorApp(
        [article], annotations_dir=tmp / "ann", schema=schema, user="bench",
        suggester=get_suggester("rules", schema, tmp / "ann"),
    )
    keys = decisions = accepted = relabelled = rejected = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        total = app.session.status_counts()[SUGGESTED]
        await pilot.press("g", "tab")
        keys += 1  # `g` only puts the cursor at the start for the count; tab is the first review key
        while app.session.status_counts()[SUGGESTED]:
            ann = app.current_annotation()
            if ann is None or ann.status != SUGGESTED:
                await pilot.press("tab")
                keys += 1
                continue
            if isinstance(ann, Entity):
                if (ann.fragments, ann.label) in ents:
                    key, accepted = "y", accepted + 1
                elif ann.fragments in spans:
                    key, relabelled = schema.key_for_label(spans[ann.fragments]), relabelled + 1
                else:
                    key, rejected = "x", rejected + 1
            elif isinstance(ann, Event):
                ok = (ann.trigger.fragments, ann.type) in events
                key = "y" if ok else "x"
                accepted, rejected = accepted + ok, rejected + (not ok)
            elif isinstance(ann, Attribution):
                ok = ann.cue is not None and ann.cue.fragments in cues
                key = "y" if ok else "x"
                accepted, rejected = accepted + ok, rejected + (not ok)
            else:
                key, rejected = "x", rejected + 1
            await pilot.press(key)
            keys += 1
            decisions += 1
    print(f"suggestions reviewed: {decisions} of {total} (accepted {accepted}, relabelled {relabelled}, rejected {rejected})")
    print(f"keys pressed: {keys}; keys per reviewed suggestion: {keys / max(1, decisions):.3f} (target 1.0)")


def right(ann, ents, events, cues) -> bool:
    """Would the annotator holding the gold accept this suggestion as it is?"""
    if isinstance(ann, Entity):
        return (ann.fragments, ann.label) in ents
    if isinstance(ann, Event):
        return (ann.trigger.fragments, ann.type) in events
    if isinstance(ann, Attribution):
        return ann.cue is not None and ann.cue.fragments in cues
    return False


async def grouped() -> None:
    """The same review through the queue (`S`): one key per row, a row being every
    pending suggestion with the same label and text; the row is accepted when most
    of its suggestions are in the gold. Mixed rows decide some against the gold:
    counted, since grouping trades those for keys (relabelling is not done here)."""
    from annotator.tui.review_queue import ReviewQueueScreen

    schema = default_schema()
    tmp = Path(tempfile.mkdtemp())
    (tmp / "seeds").mkdir()
    article = tmp / "seeds" / SEED.name
    shutil.copyfile(SEED, article)
    ents, spans, events, cues = gold_keys()
    app = AnnotatorApp(
        [article], annotations_dir=tmp / "ann", schema=schema, user="bench",
        suggester=get_suggester("rules", schema, tmp / "ann"),
    )
    keys = decided = wrong = rows = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        total = app.session.status_counts()[SUGGESTED]
        await pilot.press("S")
        keys += 1
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        while screen.shown:
            row = screen.row()
            ok = [right(i.ann, ents, events, cues) for i in row.items]
            accept = sum(ok) * 2 > len(ok)
            wrong += sum(1 for o in ok if o != accept)
            decided += row.count
            rows += 1
            await pilot.press("y" if accept else "x")
            keys += 1
            await pilot.pause()
    print(
        f"queue (grouped): {decided} of {total} suggestions in {rows} rows; keys pressed: {keys}; "
        f"keys per reviewed suggestion: {keys / max(1, decided):.3f}; decided against the gold: {wrong}"
    )


if __name__ == "__main__":
    asyncio.run(main())
    asyncio.run(grouped())
