"""PyYAML is imported only when a file needs it: opening the seed article with its
gold annotations (the app's start) reads them without it. The tables copied from
PyYAML (the built-in schema as data, the escapes, which plain scalars are surely
strings) are checked against PyYAML itself."""

import re
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from annotator.schema import DEFAULT_SCHEMA_DATA, DEFAULT_SCHEMA_YAML, default_schema, schema_from_data
from annotator.store import fast_reader
from annotator.store.fast_reader import _ESC_REPL, _maybe_not_str, fast_parse
from annotator.store.scalars import PLAIN_R, STR_TAG

from .conftest import run_seed_startup

ROOT = Path(__file__).resolve().parent.parent


def test_the_built_in_schema_as_data_is_its_yaml():
    assert DEFAULT_SCHEMA_DATA == yaml.safe_load(DEFAULT_SCHEMA_YAML)
    assert default_schema() == schema_from_data(yaml.safe_load(DEFAULT_SCHEMA_YAML), "<built-in news schema>")


def test_the_escapes_are_pyyamls():
    assert _ESC_REPL == yaml.scanner.Scanner.ESCAPE_REPLACEMENTS


def _resolved(tok: str) -> str:
    return Resolver().resolve(ScalarNode, tok, (True, False))


@given(st.text(alphabet=".0123456789_eE+-:infaINFNna/xs ", max_size=12).map(lambda s: "." + s))
def test_a_plain_scalar_after_a_dot_is_a_string_as_pyyaml_says(tok):
    if PLAIN_R.fullmatch(tok) and not _maybe_not_str(tok):
        assert _resolved(tok) == STR_TAG


#: characters on both sides of each class boundary of PLAIN_R, the wide ones of
#: ``scalars._EXC`` among them, and the indicators
_PLAIN_CHARS = (
    "ab -?:,[]{}#&*!|>'\"%@`\t\n\r\x00\x1f\x7f\x85\x9f\xa0é’—ل\u2027\u2028\u2029\u202a"
    "\ud7ff\ud800\udbff\udc00\udfff\ue000\ufefe\ufeff\ufffd\ufffe\uffff\U00010000\U0001f600"
)


@given(st.text(alphabet=_PLAIN_CHARS, max_size=12))
def test_the_readers_plain_pattern_is_plain_r_on_the_text_they_take(text):
    """The readers' pattern (``PLAIN_R_CHECKED``, without the wide characters of
    ``_EXC`` in its classes) matches as ``PLAIN_R`` does, at every position, on
    any text the fast reader's check lets through; and that check stops every
    text holding one of those characters."""
    from annotator.store import scalars

    wide = {c for c in _PLAIN_CHARS if c in "\u2028\u2029\ufeff\ufffe\uffff" or "\ud800" <= c <= "\udfff"}
    if set(text) & wide:
        assert fast_reader._FAST_BAD.search(text)
        return
    for i in range(len(text) + 1):
        a, b = PLAIN_R.match(text, i), scalars.PLAIN_R_CHECKED.match(text, i)
        assert (a and a.span()) == (b and b.span())
    assert bool(PLAIN_R.fullmatch(text)) == bool(scalars.PLAIN_R_CHECKED.fullmatch(text))


def test_the_fast_reader_checks_for_every_wide_character_plain_r_leaves_out():
    from annotator.store import scalars

    assert scalars._EXC == scalars._EXC_LATIN1 + scalars._EXC_WIDE
    wide = re.compile(f"[{scalars._EXC_WIDE}]")
    assert all(fast_reader._FAST_BAD.match(chr(c)) for c in range(0x100, 0x10000) if wide.match(chr(c)))
    assert fast_reader.PLAIN_R is scalars.PLAIN_R_CHECKED


def test_dot_words():
    for tok in ["../seeds/a.txt", "./x", ".", ".x", ".infinity", ".Nan", ".config"]:
        assert not _maybe_not_str(tok) and _resolved(tok) == STR_TAG, tok
    for tok in [".5", ".0e+1", ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", ".1_000"]:
        assert _maybe_not_str(tok) and _resolved(tok) != STR_TAG, tok
    assert fast_parse("a: .inf\nb: ../x.txt\nc: .5\n").data == yaml.safe_load("a: .inf\nb: ../x.txt\nc: .5\n")


_STARTUP = """
import json, sys
from annotator.tui.app import AnnotatorApp

seen = {}

async def first_frame(pilot):
    await pilot.pause()
    seen["yaml"] = sorted(m for m in sys.modules if m == "yaml" or m.startswith("yaml."))
    seen["reanchor"] = "annotator.reanchor" in sys.modules
    seen["writer"] = sys.modules["annotator.store.scalars"]._WRITER is None
    seen["screen"] = [type(w).__name__ for w in pilot.app.screen.walk_children()]
    pilot.app.exit()

run = AnnotatorApp.run
AnnotatorApp.run = lambda self, **kw: run(self, headless=True, size=(120, 40), auto_pilot=first_frame)
sys.argv = ["annotator"]
from annotator.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(seen))
"""


def test_the_app_starts_on_the_seed_without_pyyaml(tmp_path):
    seen = run_seed_startup(tmp_path, _STARTUP)
    assert "ArticleView" in seen["screen"] and "AnnotationList" in seen["screen"]  # the real screen
    assert seen["yaml"] == []
    assert not seen["reanchor"]  # the seed's gold has nothing marked lost
    assert seen["writer"]  # nothing written before the first frame: the writer's patterns not compiled


def test_the_fast_reader_module_does_not_import_pyyaml():
    code = "import sys, annotator.store.reader, annotator.schema, annotator.store.writer; print('yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
    assert fast_reader.__name__  # (imported here too)


def test_lost_marks_are_reanchors():
    from annotator import lost_marks, reanchor
    from annotator.model import Entity, Span

    assert lost_marks.LOST == reanchor.LOST
    assert reanchor.lost_parts is lost_marks.lost_parts and reanchor.is_lost is lost_marks.is_lost  # one rule
    span = Span(((3, 8),), "Raqqa")
    for attrs in [{}, {"lost": True}, {"lost": False}, {"Realis": "actual"}, {"lost": True, "Realis": "actual"}]:
        ann = Entity("T1", "GPE", span, attrs=attrs)
        assert lost_marks.lost_parts(ann) == reanchor.lost_parts(ann)
        assert lost_marks.lost_of(ann) == reanchor.lost_of(ann)


def test_the_app_starts_without_reanchor_when_nothing_is_lost():
    code = (
        "import sys\n"
        "from annotator.tui.app import AnnotatorApp\n"
        "print('annotator.reanchor' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_built_in_labels_keep_their_whole_descriptions():
    """The built-in schema's descriptions with commas are whole (they were cut at
    the first comma: YAML read the rest as keys of their own)."""
    from annotator.schema import default_schema

    desc = {e.name: e.description for e in default_schema().entities}
    assert desc["GPE"] == "country, city, state"
    assert desc["FAC"] == "building, airport, road, border crossing"
    assert desc["NORP"] == "nationality, religious or political group"


def test_a_schema_file_with_the_comma_trap_is_one_clear_line(tmp_path):
    import subprocess
    import sys

    schema = tmp_path / "s.yaml"
    schema.write_text("name: s\nentities:\n- {name: GPE, key: '1', description: country, city}\n", encoding="utf-8")
    art = tmp_path / "a.txt"
    art.write_text("Raqqa.\n", encoding="utf-8")
    before = schema.read_bytes()
    done = subprocess.run([sys.executable, "-m", "annotator", "validate", str(art), "--schema", str(schema)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert str(schema) in line and "'city'" in line and "needs quotes" in line
    assert schema.read_bytes() == before
