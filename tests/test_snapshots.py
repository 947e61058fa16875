"""How the main screens look, compared with stored SVGs (see tests/snapshots/__init__.py).

ANNOTATOR_SNAPSHOT_UPDATE=1 python -m pytest tests/test_snapshots.py   # accept a new look
"""

from __future__ import annotations

import shutil

import pytest

from annotator import store
from annotator.articles import find_articles
from annotator.model import SUGGESTED, AnnotationSet, Document, Entity, Span
from annotator.schema import default_schema
from annotator.tui.app import AnnotatorApp

from .conftest import ROOT, SEED
from .snapshots import SIZE, assert_looks

GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"


@pytest.fixture(autouse=True)
def _no_user_settings(tmp_path, monkeypatch):
    """Snapshots never depend on the machine: no settings file, no theme from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)


def app_for(articles, ann) -> AnnotatorApp:
    return AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="you", lock_files=False)


def seed_app(tmp_path, extra: list[Entity] = ()) -> AnnotatorApp:
    """The seed with its gold annotation (and ``extra`` entities added to the file)."""
    (tmp_path / "seeds").mkdir()
    article = tmp_path / "seeds" / SEED.name
    shutil.copyfile(SEED, article)
    ann = tmp_path / "annotations"
    ann.mkdir()
    shutil.copyfile(GOLD, ann / GOLD.name)
    if extra:
        aset = store.read(ann / GOLD.name).checked()
        for ent in extra:
            aset.entities[ent.id] = ent
        store.save(aset, ann / GOLD.name)
    return app_for([article], ann)


async def test_article_with_overlapping_spans_looks(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    start = text.index("Kurdish fighters")
    # A suggestion that crosses the gold NORP "Syrian Kurdish" inside the gold ORG of the alliance.
    crossing = Entity("T900", "MISC", Span.of(text, start, start + len("Kurdish fighters")), status=SUGGESTED,
                      by="rules", score=0.4)
    app = seed_app(tmp_path, [crossing])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Syrian Kurdish", "enter", "escape")
        await assert_looks(app, pilot, "article-overlaps")


async def test_active_event_looks(tmp_path):
    app = seed_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"captured", "enter", "escape", "e")  # the Capture event, active
        await assert_looks(app, pilot, "event-active")


async def test_attribution_under_the_cursor_looks(tmp_path):
    app = seed_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"told Reuters", "enter", "escape")  # the cue of an attribution
        await assert_looks(app, pilot, "attribution")


async def test_corpus_view_looks(tmp_path):
    from .test_corpus import make_folder

    arts, ann = make_folder(tmp_path)
    (arts / "e-bad.txt").unlink()
    app = app_for(find_articles([str(arts)]), ann)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await app.workers.wait_for_complete()
        await assert_looks(app, pilot, "corpus-view")


WORLD = (
    "北京 — 中国外交部发言人周二表示，代表团将于下周访问大马士革。\n"
    "دمشق (رويترز) - قال مسؤولون إن الوفد سيصل يوم الثلاثاء.\n"
    "Reporters 🎉 in São Paulo 👩‍👩‍👧 met Zhang Wei 🇸🇾 on Friday.\n"
)


async def test_cjk_arabic_and_emoji_article_looks(tmp_path):
    (tmp_path / "seeds").mkdir()
    article = tmp_path / "seeds" / "world.txt"
    article.write_text(WORLD, encoding="utf-8")
    ann = tmp_path / "annotations"
    aset = AnnotationSet(Document(WORLD, "../seeds/world.txt"))
    for n, (label, words) in enumerate(
        [("GPE", "北京"), ("DATE", "周二"), ("GPE", "大马士革"), ("GPE", "دمشق"), ("ORG", "رويترز"),
         ("GPE", "São Paulo"), ("PER", "Zhang Wei"), ("DATE", "Friday")], start=1
    ):
        i = WORLD.index(words)
        aset.entities[f"T{n}"] = Entity(f"T{n}", label, Span.of(WORLD, i, i + len(words)), by="you")
    store.save(aset, store.annotation_path(article, ann))
    app = app_for([article], ann)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Zhang", "enter", "escape")
        await assert_looks(app, pilot, "cjk-arabic-emoji")


async def test_a_changed_look_fails_with_a_readable_diff(tmp_path, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_SNAPSHOT_UPDATE", raising=False)
    app = seed_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        # The same screen as event-active, but the event's type changed: a different look.
        await pilot.press("slash", *"captured", "enter", "escape", "e")
        await pilot.press("e")  # e again on the active trigger: pick another type
        await pilot.press(*"Conflict.Attack", "enter")
        with pytest.raises(AssertionError) as failed:
            await assert_looks(app, pilot, "event-active")
    message = str(failed.value)
    assert "looks different from tests/snapshots/event-active.svg" in message
    changed = [line for line in message.splitlines() if line.startswith(("-", "+")) and "|" in line]
    assert any("Conflict.Capture" in line for line in changed if line.startswith("-"))
    assert any("Conflict.Attack" in line for line in changed if line.startswith("+"))


def test_the_readme_screenshot_is_made_by_the_script_and_up_to_date(tmp_path):
    import subprocess
    import sys

    from .snapshots import describe

    out = tmp_path / "screenshot.svg"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot.py"), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    now = describe(out.read_text(encoding="utf-8"))
    assert any("Orhan Qereman" in row for row in now)
    stored = describe((ROOT / "docs" / "screenshot.svg").read_text(encoding="utf-8"))
    assert now == stored, "docs/screenshot.svg is out of date: run python scripts/screenshot.py"


def adjudication_app(tmp_path):
    """The seed's gold against a second annotator's copy (see test_adjudicate_layers_tui)."""
    from annotator.commands.audit import view_app

    from .test_adjudicate_layers_tui import parse, second_annotator

    (tmp_path / "seeds").mkdir()
    shutil.copyfile(SEED, tmp_path / "seeds" / SEED.name)
    for name, text in (("gold", GOLD.read_text(encoding="utf-8")), ("other", second_annotator(GOLD.read_text(encoding="utf-8")))):
        (tmp_path / name).mkdir()
        (tmp_path / name / GOLD.name).write_text(text, encoding="utf-8")
    return view_app(parse(str(tmp_path / "gold"), str(tmp_path / "other"), "--view", "--annotator", "you"))


async def test_adjudication_of_an_entity_looks(tmp_path):
    app = adjudication_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await assert_looks(app, pilot, "adjudicate-entity")  # Reuters: ORG / MISC


async def test_adjudication_of_an_event_argument_looks(tmp_path):
    app = adjudication_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")  # the Capture's Time: Friday / nothing
        await assert_looks(app, pilot, "adjudicate-event")


async def test_review_queue_looks(tmp_path):
    from .test_review_queue_tui import folder

    (tmp_path / "q").mkdir()
    articles, ann = folder(tmp_path / "q")
    app = app_for(articles, ann)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("y")  # a group decided: its count and the rule's precision show
        await app.workers.wait_for_complete()
        await pilot.pause()
        await assert_looks(app, pilot, "review-queue")
