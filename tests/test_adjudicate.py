"""The adjudication view (`annotator audit GOLD PRED --view`): order, keys, each
decision on each kind, the gold file it writes, undo, and the command's wiring."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from annotator import store
from annotator.articles import read_article
from annotator.adjudication import Adjudication
from annotator.audit import MISSED, PARTIAL, SPURIOUS, WRONG_LABEL, disagreements
from annotator.cli import build_parser, main
from annotator.commands.audit import view_app
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Argument, Document, Entity, Event, Span
from annotator.schema import default_schema
from annotator.session import Session
from annotator.tui.adjudicate import AdjudicateApp, AdjudicateScreen
from annotator.tui.article_view import ArticleView

TEXT = "In Baghdad, a cameraman died when an American tank fired on the Palestine Hotel on Monday.\n"
OTHER = "Orhan Qereman said the SDF captured Deir el-Zor.\n"
SIZE = (110, 30)


def write_article(root: Path, name: str, text: str) -> Path:
    path = root / "seeds" / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_set(root: Path, folder: str, name: str, entities, events=()) -> Path:
    """entities: (id, label, words, status, by[, suggested_by]); events: (id, type, trigger, [(role, ref)])."""
    doc = read_article(root / "seeds" / f"{name}.txt")
    path = root / folder / f"{name}.yaml"
    aset = store.new_set(doc, path)
    for ent_id, label, words, status, by, *rest in entities:
        s = doc.text.index(words)
        aset.entities[ent_id] = Entity(
            ent_id, label, Span.of(doc.text, s, s + len(words)), status=status, by=by,
            suggested_by=rest[0] if rest else None,
        )
    for ev_id, ev_type, trigger, args in events:
        s = doc.text.index(trigger)
        aset.events[ev_id] = Event(
            ev_id, ev_type, Span.of(doc.text, s, s + len(trigger)), tuple(Argument(r, x) for r, x in args), by="alice"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    store.save(aset, path)
    return path


GOLD = [
    ("T1", "GPE", "Baghdad", ACCEPTED, "alice"),  # match
    ("T2", "PER", "cameraman", ACCEPTED, "alice"),  # wrong label (ORG)
    ("T3", "FAC", "Palestine Hotel", ACCEPTED, "alice"),  # partial (Palestine)
    ("T4", "DATE", "Monday", ACCEPTED, "alice"),  # missed
]
GOLD_EVENTS = [("E1", "Conflict.Attack", "fired", [("Target", "T3"), ("Time", "T4")])]
PRED = [
    ("T1", "GPE", "Baghdad", SUGGESTED, "rules"),
    ("T2", "ORG", "cameraman", SUGGESTED, "rules"),
    ("T3", "FAC", "Palestine", SUGGESTED, "rules"),
    ("T4", "NORP", "American", SUGGESTED, "rules", None),  # spurious
    ("T5", "DATE", "Monday", REJECTED, "bob", "rules"),  # rejected: not predicted
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    write_article(tmp_path, "baghdad", TEXT)
    gold = write_set(tmp_path, "gold", "baghdad", GOLD, GOLD_EVENTS)
    pred = write_set(tmp_path, "pred", "baghdad", PRED)
    return gold, pred


def make_app(gold: Path, pred: Path, user: str = "carol") -> AdjudicateApp:
    from annotator.workspace import open_file

    schema = default_schema()
    ws = open_file(gold, schema, user=user)  # the gold file, locked and journaled
    p = store.read(pred).checked()
    return AdjudicateApp([Adjudication("baghdad", ws.session, p, pred_path=pred)], schema, workspaces=[ws])


def screen_of(app: AdjudicateApp) -> AdjudicateScreen:
    screen = app.screen
    assert isinstance(screen, AdjudicateScreen)
    return screen


def here(screen: AdjudicateScreen) -> tuple[str, str]:
    """(kind, text) of the current disagreement."""
    d = screen.current
    assert d is not None
    return d.kind, screen.adj.session.text[d.start : d.end]


def entities(path: Path) -> dict[str, tuple]:
    aset = store.read(path).checked()
    return {e.id: (e.label, e.text, e.status, e.by, e.suggested_by) for e in aset.entities.values()}


# ---------------------------------------------------------------------------
# The core: order, kinds, decisions (no Textual)
# ---------------------------------------------------------------------------
def test_open_disagreements_in_reading_order(files):
    gold, pred = files
    adj = Adjudication("baghdad", Session(store.read(gold).checked(), default_schema(), user="carol"), store.read(pred).checked())
    assert [(d.kind, TEXT[d.start : d.end]) for d in adj.open] == [
        (WRONG_LABEL, "cameraman"),
        (SPURIOUS, "American"),
        (PARTIAL, "Palestine Hotel"),
        (MISSED, "Monday"),
    ]
    assert adj.counts() == {WRONG_LABEL: 1, PARTIAL: 1, MISSED: 1, SPURIOUS: 1}
    assert adj.matches() == 1


# ---------------------------------------------------------------------------
# The view
# ---------------------------------------------------------------------------
async def test_keys_move_between_disagreements_skipping_matches(files):
    app = make_app(*files)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        view = screen.query_one("#article", ArticleView)
        assert here(screen) == (WRONG_LABEL, "cameraman")
        assert view.cursor == TEXT.index("cameraman")
        assert screen.audit_layers()["article--current"] == [(TEXT.index("cameraman"), TEXT.index("cameraman") + 9)]
        seen = []
        for _ in range(4):
            await pilot.press("n")
            seen.append(here(screen))
        assert seen == [
            (SPURIOUS, "American"),
            (PARTIAL, "Palestine Hotel"),
            (MISSED, "Monday"),
            (WRONG_LABEL, "cameraman"),  # wraps round; the match (Baghdad) is skipped
        ]
        await pilot.press("N")
        assert here(screen) == (MISSED, "Monday")
        await pilot.press("right_square_bracket")
        assert here(screen) == (WRONG_LABEL, "cameraman")
        await pilot.press("left_square_bracket")
        assert here(screen) == (MISSED, "Monday")
        # The article view's own keys still move the cursor; n then counts from it.
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("n")
        assert here(screen) == (WRONG_LABEL, "cameraman")
        await pilot.press("G", "N")
        assert here(screen) == (MISSED, "Monday")
        status = str(screen.query_one("#status").content)
        assert "wrong label 1 · partial 1 · missed 1 · spurious 1" in status
        assert screen.check_action("next_article", ()) is False  # one article: > and < hidden
        details = str(screen.query_one("#adj-details").content)
        assert "MISSED" in details and "DATE" in details and "'Monday'" in details


async def test_taking_the_other_side_for_each_kind(files):
    gold, pred = files
    pred_bytes = pred.read_bytes()
    app = make_app(gold, pred)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        assert here(screen) == (WRONG_LABEL, "cameraman")
        await pilot.press("2")  # relabel T2 as ORG; go on to the next
        assert here(screen) == (SPURIOUS, "American")
        await pilot.press("b")  # add NORP American
        assert here(screen) == (PARTIAL, "Palestine Hotel")
        await pilot.press("2")  # T3 becomes "Palestine"
        assert here(screen) == (MISSED, "Monday")
        await pilot.press("b")  # delete T4 (and its link as Time of E1)
        assert screen.current is None
        assert screen.adj.open == []
        assert "left: wrong label 0 · partial 0 · missed 0 · spurious 0" in str(screen.query_one("#status").content)
        await pilot.press("ctrl+s")
    assert entities(gold) == {
        "T1": ("GPE", "Baghdad", ACCEPTED, "alice", None),
        "T2": ("ORG", "cameraman", ACCEPTED, "carol", "rules"),
        "T3": ("FAC", "Palestine", ACCEPTED, "carol", "rules"),
        "T5": ("NORP", "American", ACCEPTED, "carol", "rules"),
    }
    assert store.read(gold).checked().events["E1"].arguments == (Argument("Target", "T3"),)
    assert pred.read_bytes() == pred_bytes


async def test_the_status_line_counts_taking_the_other_side_as_settled(files):
    """Four "take other" decisions are four settled, as four "keep gold" are; undo takes one back."""
    gold, pred = files
    app = make_app(gold, pred)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)

        def status() -> str:
            return str(screen.query_one("#status").content)

        assert "(1 match, 0 settled)" in status()
        await pilot.press("b", "b", "b", "b")
        assert screen.adj.open == []
        assert "4 settled)" in status()
        await pilot.press("u")
        assert "3 settled)" in status()
        await pilot.press("1")  # keep gold on the one undone
        assert "4 settled)" in status()


async def test_keeping_gold_changes_nothing_and_settles(files):
    gold, pred = files
    before = gold.read_bytes()
    app = make_app(gold, pred)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("1", "a", "1", "a")
        assert screen.adj.open == []
        assert len(screen.adj.settled) == 4
        status = str(screen.query_one("#status").content)
        assert "missed 0 · spurious 0" in status and "4 settled" in status
        layers = screen.audit_layers()
        assert len(layers["article--resolved"]) >= 4
        await pilot.press("u")  # un-settle the last one (the missed Monday)
        assert [d.kind for d in screen.adj.open] == [MISSED]
        assert here(screen) == (MISSED, "Monday")
        await pilot.press("ctrl+r")
        assert screen.adj.open == []
        await pilot.press("q")
    assert gold.read_bytes() == before


async def test_undo_restores_the_gold_file(files):
    gold, pred = files
    before = gold.read_bytes()
    app = make_app(gold, pred)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("2", "2", "2", "2", "ctrl+s")
        assert gold.read_bytes() != before
        await pilot.press("u", "ctrl+z")
        assert [d.kind for d in screen.adj.open] == [PARTIAL, MISSED]
        assert here(screen) == (PARTIAL, "Palestine Hotel")  # the last decision undone
        await pilot.press("u", "u")
        assert here(screen) == (WRONG_LABEL, "cameraman")
        await pilot.press("u")
        assert "nothing to undo" in str(screen.query_one("#status").content)
        await pilot.press("ctrl+s")
        assert gold.read_bytes() == before
        await pilot.press("ctrl+r")  # redo: T2 relabelled again
        await pilot.press("q")
    assert entities(gold)["T2"][0] == "ORG"


async def test_autosave_writes_gold_only(files):
    gold, pred = files
    pred_bytes = pred.read_bytes()
    app = make_app(gold, pred)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause(0.8)  # the autosave timer (0.5 s) and its worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert entities(gold)["T2"][0] == "ORG"
        assert "[saved]" in str(screen_of(app).query_one("#status").content)
    assert pred.read_bytes() == pred_bytes


async def test_audit_layers_paint_each_kind_differently(files):
    app = make_app(*files)
    async with app.run_test(size=(200, 30)) as pilot:  # the article on one row
        screen = screen_of(app)
        view = screen.query_one("#article", ArticleView)
        await pilot.press("G")  # move the cursor and the selection out of the way
        view.clear_selection()
        await pilot.pause()
        strip = view.render_line(0)
        styles = {}
        pos = 0
        for seg in strip:
            for ch in seg.text:
                styles[pos] = seg.style
                pos += 1

        def style_at(word: str):
            return styles[TEXT.index(word) + 1]

        missed, spurious = style_at("Monday"), style_at("American")
        wrong, partial, match = style_at("cameraman"), style_at("Palestine"), style_at("Baghdad")
        plain = style_at("tank")
        assert missed.underline and missed.bold and not missed.italic
        assert spurious.italic and spurious.underline
        assert partial.underline2
        assert wrong.bgcolor != match.bgcolor and wrong.bold
        assert len({missed, spurious, wrong, partial, match, plain}) == 6


# ---------------------------------------------------------------------------
# One file and --by: the file's accepted entities against its own suggestions
# ---------------------------------------------------------------------------
@pytest.fixture
def one_file(tmp_path: Path) -> Path:
    write_article(tmp_path, "baghdad", TEXT)
    return write_set(tmp_path, "gold", "baghdad", [
        ("T1", "GPE", "Baghdad", ACCEPTED, "alice", "rules"),  # accepted suggestion: a match with itself
        ("T2", "PER", "cameraman", ACCEPTED, "alice"),
        ("T3", "ORG", "cameraman", SUGGESTED, "rules"),  # wrong label
        ("T4", "NORP", "American", SUGGESTED, "rules"),  # spurious
        ("T5", "FAC", "Palestine", REJECTED, "alice", "rules"),  # partial, but decided already
        ("T6", "FAC", "Palestine Hotel", ACCEPTED, "alice"),
        ("T7", "DATE", "Monday", ACCEPTED, "alice"),  # missed
    ], [("E1", "Conflict.Attack", "fired", [("Attacker", "T2")])])


def parse(*argv: str):
    return build_parser().parse_args(["audit", *argv])


async def test_one_file_with_by(one_file):
    app = view_app(parse(str(one_file), "--view", "--by", "rules", "--annotator", "carol"))
    assert isinstance(app, AdjudicateApp)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        adj = screen.adj
        assert adj.same
        assert [(d.kind, d.gold_id, d.pred_id) for d in adj.open] == [
            (WRONG_LABEL, "T2", "T3"),
            (SPURIOUS, None, "T4"),
            (MISSED, "T7", None),
        ]
        assert (PARTIAL, "T6", "T5") in [(d.kind, d.gold_id, d.pred_id) for d in adj.all]
        await pilot.press("b")  # the suggestion T3 is accepted and replaces T2, links and all
        assert here(screen) == (SPURIOUS, "American")
        await pilot.press("a")  # keep gold: the suggestion is rejected
        assert here(screen) == (MISSED, "Monday")
        await pilot.press("a")  # keep gold: settled, nothing changes
        assert adj.open == []
        await pilot.press("u", "u")  # the rejection is undone with its decision
        assert here(screen) == (SPURIOUS, "American")
        assert adj.session.aset.entities["T4"].status == SUGGESTED
        await pilot.press("ctrl+r")
        await pilot.press("q")
    ents = entities(one_file)
    assert "T2" not in ents
    assert ents["T3"] == ("ORG", "cameraman", ACCEPTED, "carol", "rules")
    assert ents["T4"] == ("NORP", "American", REJECTED, "carol", "rules")
    assert ents["T5"][2] == REJECTED and ents["T6"][2] == ACCEPTED and ents["T7"][2] == ACCEPTED
    assert store.read(one_file).checked().events["E1"].arguments == (Argument("Attacker", "T3"),)


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------
@pytest.fixture
def folders(tmp_path: Path) -> Path:
    write_article(tmp_path, "baghdad", TEXT)
    write_article(tmp_path, "deir", OTHER)
    write_article(tmp_path, "same", "Nothing to see in Raqqa.\n")
    write_set(tmp_path, "gold", "baghdad", GOLD, GOLD_EVENTS)
    write_set(tmp_path, "pred", "baghdad", PRED)
    write_set(tmp_path, "gold", "deir", [("T1", "PER", "Orhan Qereman", ACCEPTED, "alice")])
    write_set(tmp_path, "pred", "deir", [("T1", "ORG", "SDF", SUGGESTED, "rules")])
    write_set(tmp_path, "gold", "same", [("T1", "GPE", "Raqqa", ACCEPTED, "alice")])
    write_set(tmp_path, "pred", "same", [("T1", "GPE", "Raqqa", SUGGESTED, "rules")])
    return tmp_path


async def test_folders_open_the_articles_with_disagreements(folders):
    app = view_app(parse(str(folders / "gold"), str(folders / "pred"), "--view", "--annotator", "carol"))
    assert isinstance(app, AdjudicateApp)
    assert [a.name for a in app.articles] == ["baghdad", "deir"]  # "same" agrees: not opened
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        assert "1/2 baghdad" in str(screen.query_one("#status").content)
        await pilot.press("2")  # T2 relabelled in baghdad's gold
        await pilot.press("greater_than_sign")  # saves baghdad, opens deir
        assert screen.adj.name == "deir"
        assert screen.query_one("#article", ArticleView).text == OTHER
        assert here(screen) == (MISSED, "Orhan Qereman")
        await pilot.press("n")
        assert here(screen) == (SPURIOUS, "SDF")
        await pilot.press("b")
        await pilot.press("less_than_sign")
        assert screen.adj.name == "baghdad"
        await pilot.press("q")
    assert entities(folders / "gold" / "baghdad.yaml")["T2"][0] == "ORG"
    assert entities(folders / "gold" / "deir.yaml")["T2"] == ("ORG", "SDF", ACCEPTED, "carol", "rules")


def test_view_command_errors_and_nothing_to_do(folders, capsys):
    gold, pred = str(folders / "gold"), str(folders / "pred")
    assert main(["audit", gold, pred, "--view", "--json"]) == 2
    assert "--view" in capsys.readouterr().err
    g = str(folders / "gold" / "baghdad.yaml")
    assert main(["audit", g, g, "--view"]) == 2
    assert "GOLD file itself" in capsys.readouterr().err
    same_g, same_p = str(folders / "gold" / "same.yaml"), str(folders / "pred" / "same.yaml")
    assert main(["audit", same_g, same_p, "--view"]) == 0  # nothing to adjudicate: no app
    assert "nothing to adjudicate" in capsys.readouterr().out
    # GOLD only, no suggestions in it: the same one-line error as without --view
    assert main(["audit", same_g, "--view"]) == 2
    assert "no suggestions" in capsys.readouterr().err


async def test_help_lists_the_keys(files):
    app = make_app(*files)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-keys").content)
        lines = [line.split() for line in text.splitlines()]
        for keys in (["n", "]"], ["N", "["], ["1", "a"], ["2", "b"], ["^s"]):  # as the footer shows them
            assert any(line[: len(keys)] == keys for line in lines), keys
        intro = str(app.screen.query_one("#help-intro").content)
        assert "n / ] goes to the next open disagreement" in intro and "1 / a keeps gold" in intro
        await pilot.press("escape")
        assert isinstance(app.screen, AdjudicateScreen)


async def test_help_teaches_the_keys_of_the_keymap(files):
    app = make_app(*files)
    app.set_keymap({"adjudicate.next": "j", "adjudicate.gold": "g", "adjudicate.undo": "z"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        intro = str(app.screen.query_one("#help-intro").content)
        assert "j goes to the next open disagreement" in intro and "g keeps gold" in intro and "z undoes" in intro
        assert "n / ]" not in intro and "1 / a" not in intro


# ---------------------------------------------------------------------------
# Pairing again only around a change gives what pairing the whole article gives
# ---------------------------------------------------------------------------
WORDS = "the SDF said on Monday that its forces had taken the town near Raqqa from Islamic State fighters".split()


def random_sets(seed: int, same: bool):
    import random

    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(40)]
    text = " ".join(words) + "\n"
    starts, pos = [], 0
    for w in words:
        starts.append((pos, pos + len(w)))
        pos += len(w) + 1
    labels = ["PER", "ORG", "GPE", "DATE"]

    def spans(n):
        seen = {}
        for _ in range(n):
            i = rng.randrange(len(starts))
            j = min(len(starts) - 1, i + rng.choice([0, 0, 1, 2]))
            s, e = starts[i][0], starts[j][1]
            if rng.random() < 0.15 and e - s > 2:
                s += 1  # a boundary inside a word
            seen[(s, e)] = rng.choice(labels)
        return seen

    gold = AnnotationSet(Document(text))
    for k, ((s, e), lab) in enumerate(sorted(spans(12).items()), 1):
        gold.entities[f"T{k}"] = Entity(f"T{k}", lab, Span.of(text, s, e), by="alice")
    pred_spans = {}
    for (s, e), lab in spans(6).items():
        pred_spans[(s, e)] = lab
    for g in list(gold.entities.values()):
        r = rng.random()
        if r < 0.5:
            pred_spans[(g.start, g.end)] = g.label if r < 0.3 else rng.choice(labels)
    target = gold if same else AnnotationSet(Document(text))
    n = len(target.entities)
    for (s, e), lab in sorted(pred_spans.items()):
        n += 1
        status = SUGGESTED if not same or rng.random() < 0.8 else REJECTED
        target.entities[f"T{n}"] = Entity(f"T{n}", lab, Span.of(text, s, e), status=status, by="rules")
    return gold, target


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), same=st.booleans(), moves=st.lists(st.integers(0, 99), min_size=1, max_size=12))
def test_pairing_again_locally_equals_pairing_all(seed, same, moves):
    gold, pred = random_sets(seed, same)
    session = Session(gold, default_schema(), user="carol")
    adj = Adjudication("x", session, pred, by="rules" if same else None)
    for m in moves:
        if m < 70 and adj.open:
            d = adj.open[m % len(adj.open)]
            (adj.take_other if m % 2 else adj.take_gold)(d)
        elif m < 85:
            adj.undo()
        else:
            adj.redo()
        full = disagreements(session.aset, pred, adj.by)
        assert adj.all == full
        assert adj.open == [d for d in full if adj.is_open(d)]
        assert adj.counts() == {k: sum(1 for d in adj.open if d.kind == k) for k in adj.counts()}


async def test_a_key_repaints_only_the_rows_it_changed(tmp_path):
    lines = [f"Line {k}: forces left Baghdad for Raqqa.\n" for k in range(80)]
    text = "".join(lines)
    write_article(tmp_path, "long", text)
    doc = read_article(tmp_path / "seeds" / "long.txt")
    gold = store.new_set(doc, tmp_path / "gold" / "long.yaml")
    pred = store.new_set(doc, tmp_path / "pred" / "long.yaml")
    pos = 0
    for k, line in enumerate(lines):
        s = pos + line.index("Baghdad")
        gold.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", "GPE", Span.of(text, s, s + 7), by="alice")
        label = "ORG" if k % 3 == 0 else "GPE"  # a wrong label on every third line
        pred.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", label, Span.of(text, s, s + 7), SUGGESTED, "rules")
        pos += len(line)
    for path, aset in ((tmp_path / "gold" / "long.yaml", gold), (tmp_path / "pred" / "long.yaml", pred)):
        path.parent.mkdir(parents=True, exist_ok=True)
        store.save(aset, path)
    app = make_app(tmp_path / "gold" / "long.yaml", tmp_path / "pred" / "long.yaml")
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        view = screen.query_one("#article", ArticleView)
        await pilot.pause()
        before = view.renders
        await pilot.press("n")  # the highlight and the cursor move 3 lines down
        assert here(screen) == (WRONG_LABEL, "Baghdad")
        assert view.cursor == text.index("Baghdad", len("".join(lines[:3])))
        assert view.renders - before <= 4
        before = view.renders
        await pilot.press("2")  # one line changes, the highlight moves on
        assert view.renders - before <= 6
        assert screen.adj.counts()[WRONG_LABEL] == 26


def test_one_folder_opens_only_the_articles_the_suggester_ran_on(folders, capsys):
    # gold/ holds no suggestions at all: --by names a suggester that never ran there
    assert main(["audit", str(folders / "gold"), "--view", "--by", "rules"]) == 0
    out = capsys.readouterr().out
    assert "nothing to adjudicate" in out and "3 article(s) with nothing suggested by 'rules'" in out


async def test_palette_command_adjudicates_the_open_article_and_reloads_it(make_app, tmp_path):
    """From the main app: audit this article against another file, take the other
    side once, quit the screen: the main session shows the adjudicated gold."""
    from annotator import store
    from annotator.model import Entity, Span
    from annotator.tui.adjudicate import AdjudicateScreen

    app = make_app()
    text = app.session.text
    s = text.index("HASAKEH")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"Orhan Qereman", "enter", "1")
        # The other side: the same person, plus a GPE the gold lacks.
        other = store.new_set(read_article(app.session.article_path), tmp_path / "other.yaml")
        other.entities["T1"] = Entity("T1", "PER", Span.of(text, 3, 16), by="bob")
        other.entities["T2"] = Entity("T2", "GPE", Span.of(text, s, s + 7), by="bob")
        store.save(other, tmp_path / "other.yaml")
        await pilot.press("ctrl+p", *"audit this article")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*str(tmp_path / "other.yaml"), "enter")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AdjudicateScreen)
        await pilot.press("x")  # the main app's delete must not act behind the screen
        assert "T1" in app.session.aset.entities
        await pilot.press("2")  # take the other side: HASAKEH GPE into the gold
        await pilot.press("q")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, AdjudicateScreen)
        texts = sorted((e.label, e.text) for e in app.session.aset.entities.values())
        assert texts == [("GPE", "HASAKEH"), ("PER", "Orhan Qereman")]


async def test_view_refuses_a_gold_file_open_in_the_app(make_app, tmp_path):
    import argparse

    import pytest

    from annotator import store
    from annotator.commands.audit import run_view
    from annotator.errors import InputError
    from annotator.model import Entity, Span

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"Orhan Qereman", "enter", "1", "ctrl+s")
        other = store.new_set(read_article(app.session.article_path), tmp_path / "other.yaml")
        other.entities["T1"] = Entity("T1", "GPE", Span.of(app.session.text, 17, 24), by="bob")
        store.save(other, tmp_path / "other.yaml")
        args = argparse.Namespace(
            gold=str(app.session.yaml_path), pred=str(tmp_path / "other.yaml"), by=None, annotator="x",
            json=False, markdown=False, fail_under=None, schema=None, view=True,
        )
        with pytest.raises(InputError, match="open in the app"):
            run_view(args)
        await pilot.press("q")


def test_by_a_family_records_the_rule_that_suggested_what_is_taken(tmp_path):
    """--view --by rules: taking rules:word-list's suggestion keeps that rule in
    suggested_by (its decisions are counted per rule), not the family name."""
    write_article(tmp_path, "baghdad", TEXT)
    path = write_set(tmp_path, "gold", "baghdad", [
        ("T1", "GPE", "Baghdad", ACCEPTED, "alice", "rules:word-list"),  # a match with itself
        ("T2", "NORP", "American", SUGGESTED, "rules:word-list"),  # spurious
        ("T3", "DATE", "Monday", SUGGESTED, "rules:date-word"),  # spurious
    ])
    session = Session(store.read(path).checked(), default_schema(), user="carol")
    adj = Adjudication("baghdad", session, session.aset, by="rules")
    assert [(d.kind, d.pred_id) for d in adj.open] == [(SPURIOUS, "T2"), (SPURIOUS, "T3")]
    adj.take_other(adj.open[0])
    adj.take_gold(adj.open[0])
    got = {e.id: (e.status, e.by, e.suggested_by) for e in session.aset.entities.values()}
    assert got["T2"] == (ACCEPTED, "carol", "rules:word-list")
    assert got["T3"] == (REJECTED, "carol", "rules:date-word")


async def test_a_narrow_terminal_hides_the_side_panel(files):
    """At 60 columns the side panel left the article a quarter of the width."""
    gold, pred = files
    for size, shown in (((60, 24), False), ((120, 36), True)):
        app = make_app(gold, pred)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            assert screen.query_one("#side").display is shown
            view = screen.query_one("#article")
            assert view.size.width >= (size[0] - 2 if not shown else size[0] // 2)
            await pilot.resize_terminal(*((120, 36) if not shown else (60, 24)))
            await pilot.pause()
            assert screen.query_one("#side").display is not shown


async def test_the_view_records_the_settings_annotator_not_the_login(one_file, monkeypatch, tmp_path):
    """`annotator = "hana"` in the settings: `annotate` recorded hana, `audit --view`
    recorded $USER (a shared login's name, or `annotator` with no USER)."""
    config = tmp_path / "xdg" / "annotator" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('annotator = "hana"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("USER", "shared-login")
    app = view_app(parse(str(one_file), "--view", "--by", "rules"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")  # the suggestion T3 is taken into gold
        adj = screen_of(app).adj
        assert adj.user == "hana"
        assert adj.session.aset.entities["T3"].by == "hana"
        await pilot.press("q")
