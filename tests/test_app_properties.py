"""Random key sequences on the seed: the app never crashes, and after every key the
model is valid (refs resolve, spans match the text, the mark index mirrors the
set); undo then redo returns the same state."""

import asyncio
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.model import Attribution, Ref, Relation, Span
from annotator.schema import default_schema
from annotator.tui.app import AnnotatorApp

from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seeds" / "sdf-captures-deir-el-zor.txt"

KEYS = [
    "l", "h", "j", "k", "g", "G", "pagedown", "pageup", "v", "shift+right", "shift+left", "escape",
    "1", "2", "3", "7", "x", "u", "ctrl+r", "right_square_bracket", "left_square_bracket",
    "e", "r", "a", "t", "enter", "full_stop", "comma", "tab", "shift+tab", "y", "R", "D",
    "right_parenthesis", "left_parenthesis", "right_curly_bracket", "left_curly_bracket",
    "n", "N", "slash", "S", "D", "F", "down", "up",
]


def check_model(app) -> None:
    s = app.session
    text = s.text
    aset = s.aset

    def span_ok(span: Span) -> None:
        assert span.text == " ".join(text[a:b] for a, b in span.fragments)
        assert all(0 <= a < b <= len(text) for a, b in span.fragments)

    for ent in aset.entities.values():
        span_ok(ent.span)
    for ev in aset.events.values():
        span_ok(ev.trigger)
        assert all(arg.ref in aset for arg in ev.arguments)
    for at in aset.attributions.values():
        for part in at.spans():
            span_ok(part)
        if isinstance(at.source, Ref):
            assert at.source.ref in aset
    for rel in aset.relations.values():
        assert rel.arg1 in aset and rel.arg2 in aset
    marked = {m.ann_id for m in s.marks.overlapping(0, len(text) + 1)}
    spanned = {a.id for a in aset.all() if not isinstance(a, Relation) and not (isinstance(a, Attribution) and not any(True for _ in a.spans()))}
    assert marked == spanned


def state(app):
    a = app.session.aset
    return (dict(a.entities), dict(a.events), dict(a.attributions), dict(a.relations))


async def drive(app, keys) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        for key in keys:
            await pilot.press(key)
            check_model(app)
        await app.workers.wait_for_complete()
        # Leave any picker or prompt, then undo and redo the last step.
        for _ in range(3):
            await pilot.press("escape")
        before = state(app)
        if app.session.can_undo:
            app.session.undo()
            app.session.redo()
            assert state(app) == before
        check_model(app)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(KEYS), min_size=5, max_size=40))
def test_random_keys_never_break_the_model(tmp_path_factory, keys):
    tmp = tmp_path_factory.mktemp("prop")
    (tmp / "seeds").mkdir()
    article = tmp / "seeds" / SEED.name
    shutil.copyfile(SEED, article)
    app = AnnotatorApp([article], annotations_dir=tmp / "ann", schema=default_schema(), user="prop")
    asyncio.run(drive(app, keys))
