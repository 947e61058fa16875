"""Snapshot tests of how the app looks: the screen compared with a stored SVG.

The stored file is what ``App.export_screenshot()`` writes (open it in a
browser to see the screen). Both SVGs are read back into the screen they draw,
row by row: the text, and the runs of cells that share a style (colour,
background, bold, italic, underline, strike). A difference fails the test with
a unified diff of those rows, and the new SVG is saved beside the test's
temporary files for a look. To accept a new look::

    ANNOTATOR_SNAPSHOT_UPDATE=1 python -m pytest tests/test_snapshots.py

Adding a screen is a few lines (see ``tests/test_snapshots.py``)::

    async def test_review_queue_looks(tmp_path):
        app = seed_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("tab")
            await assert_looks(app, pilot, "review-queue")
"""

from __future__ import annotations

import difflib
import html
import os
import re
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: terminal size of every snapshot
SIZE = (120, 34)
UPDATE_ENV = "ANNOTATOR_SNAPSHOT_UPDATE"

_STYLE = re.compile(r"\.(terminal-\d+-r\d+) \{ ([^}]*) \}")
_RECT = re.compile(r'<rect fill="(#[0-9a-fA-F]+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" shape-rendering="crispEdges"/>')
_TEXT = re.compile(r'<text class="(terminal-\d+-r\d+)" x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>([^<]*)</text>')
_FONT = re.compile(r"-matrix \{[^}]*font-size: ([\d.]+)px;[^}]*line-height: ([\d.]+)px;", re.S)


def _style_name(css: str) -> str:
    """``fill: #e0e0e0;font-weight: bold`` -> ``#e0e0e0 bold``."""
    parts = []
    for decl in css.split(";"):
        if ":" not in decl:
            continue
        key, value = (s.strip() for s in decl.split(":", 1))
        if key == "fill":
            parts.insert(0, value)
        elif key == "font-weight" and value == "bold":
            parts.append("bold")
        elif key == "font-style" and value == "italic":
            parts.append("italic")
        elif key == "text-decoration":
            parts.append(value.replace("line-through", "strike"))
    return " ".join(parts)


def describe(svg: str) -> list[str]:
    """The screen an export draws: per row its text, then its style runs ``start-end fg on bg``."""
    m = _FONT.search(svg)
    if m is None:
        raise ValueError("not a terminal SVG exported by Rich/Textual")
    cell_w, line_h = float(m.group(1)) * 0.61, float(m.group(2))
    styles = {cls: _style_name(css) for cls, css in _STYLE.findall(svg)}
    rows: dict[int, dict[int, list]] = {}

    def cell(x: str) -> int:
        return round(float(x) / cell_w)

    for fill, x, y, w in _RECT.findall(svg):
        row = round((float(y) - 1.5) / line_h)
        start = cell(x)
        for c in range(start, start + max(1, cell(w))):
            rows.setdefault(row, {}).setdefault(c, [" ", "", fill])[2] = fill
    texts: dict[int, list[tuple[int, str]]] = {}
    for cls, x, y, w, raw in _TEXT.findall(svg):
        row = round((float(y) - 20) / line_h)
        start, n = cell(x), max(1, cell(w))
        text = html.unescape(raw).replace("\xa0", " ")
        texts.setdefault(row, []).append((start, text))
        for c in range(start, start + n):
            rows.setdefault(row, {}).setdefault(c, [" ", "", ""])[1] = styles.get(cls, cls)
    out = []
    for r in sorted(set(rows) | set(texts)):
        line, col = "", 0
        for start, text in sorted(texts.get(r, [])):
            if start > col:
                line += " " * (start - col)
                col = start
            line += text
            col += sum(2 if _wide(ch) else 1 for ch in text)
        out.append(f"{r:3} |{line.rstrip()}")
        runs, prev, begin = [], None, 0
        cells = rows.get(r, {})
        width = max(cells, default=-1) + 1
        for c in range(width + 1):
            key = tuple(cells[c][1:]) if c in cells else None
            if key != prev:
                if prev is not None:
                    fg, bg = prev
                    runs.append(f"{begin}-{c} {fg or '-'} on {bg or '-'}")
                prev, begin = key, c
        out.append("    : " + "; ".join(runs))
    return out


def _wide(ch: str) -> bool:
    from rich.cells import cell_len

    return cell_len(ch) == 2


_TEXT_LENGTH = re.compile(r'(<text class="[^"]*" x="[\d.]+" y="[\d.]+" textLength=")([\d.]+)("[^>]*>)([^<]*)(</text>)')


def cell_text_lengths(svg: str) -> str:
    """Give each ``<text>`` of an export the width of its cells, not of its code points.

    Rich's ``export_svg`` sets ``textLength`` to ``len(text)`` cells (Textualize/rich
    issue #2742), so a browser squeezes CJK and stretches a ZWJ emoji sequence
    (5 code points, 2 cells) until the words after it run under the next
    highlight. The cells themselves (``x``, the background rects) are right.
    """
    from rich.cells import cell_len

    def fix(m: re.Match) -> str:
        text = html.unescape(m.group(4))
        if not text or cell_len(text) in (0, len(text)):
            return m.group(0)
        length = float(m.group(2)) / len(text) * cell_len(text)
        return f"{m.group(1)}{length:g}{m.group(3)}{m.group(4)}{m.group(5)}"

    return _TEXT_LENGTH.sub(fix, svg)


def freeze(app) -> None:
    """Stop what blinks or moves with time: text cursors (Input, TextArea) stay on, and a
    pending autosave is done now (the status line says [saved], not a race with the timer)."""
    from textual.widgets import Input, TextArea

    save_now = getattr(app, "save_now", None)
    if save_now is not None and getattr(app, "session", None) is not None:
        save_now()
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for widget in screen.query(TextArea):
            widget.cursor_blink = False


async def assert_looks(app, pilot, name: str) -> None:
    """The app's screen looks like ``tests/snapshots/NAME.svg`` (or, when updating, becomes it)."""
    freeze(app)
    await pilot.pause()
    svg = cell_text_lengths(app.export_screenshot(title="annotator"))
    stored = HERE / f"{name}.svg"
    if os.environ.get(UPDATE_ENV):
        stored.write_text(svg, encoding="utf-8")
        return
    if not stored.exists():
        raise AssertionError(f"no stored snapshot {stored.name}: run with {UPDATE_ENV}=1 to make it, then look at it")
    old, new = describe(stored.read_text(encoding="utf-8")), describe(svg)
    if old == new:
        return
    out_dir = Path(tempfile.gettempdir()) / "annotator-snapshots"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"{name}.svg").write_text(svg, encoding="utf-8")
    diff = list(difflib.unified_diff(old, new, f"stored {stored.name}", "now", n=1, lineterm=""))
    shown = "\n".join(diff[:120]) + ("\n..." if len(diff) > 120 else "")
    raise AssertionError(
        f"{name}: the screen looks different from tests/snapshots/{stored.name} "
        f"(the new one is {out_dir / stored.name}; {UPDATE_ENV}=1 accepts it). "
        f"Rows: text, then style runs (cells fg on bg):\n{shown}"
    )
