"""How the article view draws one screen row: the style of each run of text
between two mark boundaries (entities by their label's colour slot, suggestions in
their slot's ink, triggers, sources, cues, contents, the audit's layers, matches,
the selection and the cursor), and the segments of a row with tabs, wide or
zero-width characters.

``RowPainting`` is a mixin of ``ArticleView``: it reads the view's text, layout,
marks and caches and is called by ``render_line`` on a cache miss.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from ..marks import CONTENT, CUE, ENTITY, SOURCE, TRIGGER
from ..model import REJECTED, SUGGESTED

SLOTS = 9
#: the hue of each label colour slot, 1-9: the article's entities take it as a
#: translucent background (``SLOT_ALPHA``) with the text colour that contrasts with
#: the blend at ``SLOT_TEXT_ALPHA`` (the rule ``background: HUE 40%; color: auto
#: 90%``, see ``slot_style``); the side list takes it as its labels' colour
SLOT_HUES = ("#f4a261", "#4cc9f0", "#80ed99", "#c77dff", "#ffd166", "#ef476f", "#06d6a0", "#adb5bd", "#ff8fab")
SLOT_ALPHA = 0.4
SLOT_TEXT_ALPHA = 0.9

#: Zero-width and control characters never sent to the terminal (bidi controls
#: included: a terminal that honours them would move text off its cells).
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x20) if c != 0x09]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064")
    + list("\u2066\u2067\u2068\u2069\u061c\u2028\u2029\ufeff")
)


def slot_style(node, background: Color, auto_alpha: float) -> Style:
    """What Textual's ``get_component_rich_style`` gives for a component class of
    ``node`` whose one rule is ``background: <background>; color: auto <alpha>``:
    ``DOMNode.rich_style`` (Textual 8.2.8's) of ``node``, then the component's own
    step (its background over the node's, the text colour that contrasts with
    it). Made here, not by nine component classes, which Textual styled one by one
    before the first frame (tests/test_first_frame.py: the same on every theme)."""
    bg = Color(0, 0, 0, 0)
    color = Color(255, 255, 255, 0)
    style = Style()
    opacity = 1.0
    for n in reversed(node.ancestors_with_self):
        styles = n.styles
        has_rule = styles.has_rule
        opacity *= styles.opacity
        if has_rule("background"):
            text_bg = bg + styles.background.tint(styles.background_tint)
            bg += styles.background.tint(styles.background_tint).multiply_alpha(opacity)
        else:
            text_bg = bg
        if has_rule("color"):
            color = styles.color
        style += styles.text_style
        if has_rule("auto_color") and styles.auto_color:
            color = text_bg.get_contrast_text(color.a)
    text_bg = bg + background
    bg += background.multiply_alpha(opacity)
    color = text_bg.get_contrast_text(auto_alpha)
    return style + Style.from_color((bg + color).rich_color if (bg.a or color.a) else None, bg.rich_color if bg.a else None)


class RowPainting:
    """The painting half of ``ArticleView`` (see the module's docstring)."""

    def _slot_hue(self, slot: int) -> Color:
        return Color.parse(SLOT_HUES[slot - 1]).with_alpha(SLOT_ALPHA)

    def _slot_component(self, slot: int) -> Style:
        """The colours of an entity of a label of colour slot 1-9 (what ``_component``
        gives for a component class with the rule of ``SLOT_HUES``)."""
        name = f"slot-{slot}"
        style = self._component_cache.get(name)
        if style is None:
            full = slot_style(self, self._slot_hue(slot), SLOT_TEXT_ALPHA)
            style = self._component_cache[name] = Style(color=full.color, bgcolor=full.bgcolor)
        return style

    def _component(self, name: str) -> Style:
        """A component class's own style: only what its CSS rule sets."""
        style = self._component_cache.get(name)
        if style is None:
            full = self.get_component_rich_style(name)
            part = self.get_component_rich_style(name, partial=True)
            bgcolor = full.bgcolor if part.bgcolor is not None else None
            color = full.color if (part.color is not None or part.bgcolor is not None) else None
            style = part.without_color + Style(color=color, bgcolor=bgcolor)
            self._component_cache[name] = style
        return style

    def _ink(self, slot: int) -> Style:
        """Text colour for a suggestion: its slot's hue, moved toward the text colour
        until it stands out from the background (a pale hue on a light theme)."""
        style = self._ink_cache.get(slot)
        if style is None:
            colour = self._slot_hue(slot) if 1 <= slot <= SLOTS else self.get_component_styles("article--entity").background
            base = self._base_style
            if colour.a == 0 or base.color is None or base.bgcolor is None:
                style = Style()
            else:
                text = Color.from_rich_color(base.color)
                back = Color.from_rich_color(base.bgcolor)
                hue = colour.with_alpha(1.0)
                ink = hue
                factor = 0.0
                while abs(ink.brightness - back.brightness) < 0.4 and factor < 0.9:
                    factor += 0.15
                    ink = hue.blend(text, factor)
                style = Style(color=ink.rich_color)
            self._ink_cache[slot] = style
        return style

    def _slot(self, label: str) -> int:
        slot = self._slots.get(label)
        if slot is None:
            slot = self._slots[label] = self._slot_of(label)
        return slot

    def _style_of(self, sig: tuple) -> Style:
        style = self._sig_styles.get(sig)
        if style is not None:
            return style
        bg_slot, outer, sugg_slot, trigger, source, cue, content, sugg_other, layers, related, match, sel, cur = sig
        c = self._component
        style = self._base_style
        if content:
            style += c("article--content")
        if bg_slot >= 0:
            style += self._slot_component(bg_slot) if 1 <= bg_slot <= SLOTS else c("article--entity")
        if outer:
            style += Style(underline=True)
        if sugg_slot >= 0:
            style += self._ink(sugg_slot) + c("article--suggested")
        if source:
            style += c("article--source")
        if cue:
            style += c("article--cue")
        if trigger:
            style += c("article--trigger")
        if sugg_other:
            style += c("article--suggested")
        for name in layers:
            style += c(name)
        if related:
            style += c("article--related")
        if match:
            style += c("article--match")
        if sel:
            style += c("article--selection")
        if cur:
            style += c("article--cursor")
        self._sig_styles[sig] = style
        return style

    def _render_row(self, row: int, width: int) -> Strip:
        """Draw one screen row (a cache miss)."""
        self.renders += 1
        layout = self._ensure_layout()
        text = self._text
        s, e = layout.row(row)
        ve = e
        if ve > s and text[ve - 1] == "\n":
            ve -= 1
        if ve > s and text[ve - 1] == "\r":
            ve -= 1
        base = self._base_style
        if ve <= s:
            return Strip.blank(width, base)

        # every layer that changes how a character looks, clipped to the row
        marks = [m for m in self._marks.overlapping(s, ve) if m.status != REJECTED]
        matches = self._matches.overlapping(s, ve) if self._matches else []
        related = self._related.overlapping(s, ve) if self._related else []
        layers = [(name, rs.overlapping(s, ve)) for name, rs in self._layers.items() if rs] if self._layers else []
        sel = self.selection
        if sel is not None and not (sel[0] < ve and sel[1] > s):
            sel = None
        cur = self.cursor_token
        if not (cur[0] < ve and cur[1] > s):
            cur = None
        points = {s, ve}
        for m in marks:
            points.add(m.start)
            points.add(m.end)
        for a, b in matches:
            points.add(a)
            points.add(b)
        for a, b in related:
            points.add(a)
            points.add(b)
        for _name, spans in layers:
            for a, b in spans:
                points.add(a)
                points.add(b)
        if sel is not None:
            points.update(sel)
        if cur is not None:
            points.update(cur)
        bounds = sorted(p for p in points if s <= p <= ve)

        # the style of each run between two boundaries
        runs: list[tuple[int, int, Style]] = []
        slot = self._slot
        for a, b in zip(bounds, bounds[1:]):
            bg_slot = sugg_slot = -1
            bg_len = sugg_len = 1 << 30
            accepted = 0
            trigger = source = cue = content = sugg_other = False
            for m in marks:
                if m.start <= a and m.end >= b:
                    kind = m.kind
                    if kind == ENTITY:
                        length = m.end - m.start
                        if m.status == SUGGESTED:
                            if length < sugg_len:
                                sugg_slot, sugg_len = slot(m.label), length
                        else:
                            accepted += 1
                            if length < bg_len:
                                bg_slot, bg_len = slot(m.label), length
                    else:
                        if kind == TRIGGER:
                            trigger = True
                        elif kind == CUE:
                            cue = True
                        elif kind == SOURCE:
                            source = True
                        elif kind == CONTENT:
                            content = True
                        if m.status == SUGGESTED:
                            sugg_other = True
            sig = (
                bg_slot,
                accepted > 1,
                sugg_slot,
                trigger,
                source,
                cue,
                content,
                sugg_other,
                tuple(name for name, spans in layers if any(x <= a and y >= b for x, y in spans)) if layers else (),
                any(x <= a and y >= b for x, y in related),
                any(x <= a and y >= b for x, y in matches),
                sel is not None and sel[0] <= a and sel[1] >= b,
                cur is not None and cur[0] <= a and cur[1] >= b,
            )
            style = self._style_of(sig)
            if runs and runs[-1][2] is style:
                runs[-1] = (runs[-1][0], b, style)
            else:
                runs.append((a, b, style))

        if layout.is_simple(row):
            segments = [Segment(text[a:b], style) for a, b, style in runs]
            cells = ve - s
        else:
            segments, cells = self._complex_segments(row, ve, runs)
        if cells < width:
            segments.append(Segment(" " * (width - cells), base))
            return Strip(segments, width)
        strip = Strip(segments, cells)
        return strip.crop(0, width) if cells > width else strip

    def _complex_segments(
        self, row: int, ve: int, runs: list[tuple[int, int, Style]]
    ) -> tuple[list[Segment], int]:
        """Segments of a row with tabs, wide or zero-width characters, per cluster."""
        text = self._text
        layout = self._ensure_layout()
        segments: list[Segment] = []
        parts: list[str] = []
        cells = 0
        run_i = 0
        run_style = runs[0][2]
        cur_style = run_style
        for a, b, w in layout.clusters(row):
            if a >= ve:
                break
            while run_i + 1 < len(runs) and a >= runs[run_i][1]:
                run_i += 1
            style = runs[run_i][2]
            if style is not cur_style:
                if parts:
                    segments.append(Segment("".join(parts), cur_style))
                    parts = []
                cur_style = style
            if w == 0:
                continue  # nothing to draw (a stray mark, a control or bidi character)
            ch = text[a]
            if ch == "\t":
                shown = " " * w
            else:
                shown = "".join(c for c in text[a:b] if c not in _INVISIBLE)
                measured = cell_len(shown)
                if measured != w:  # the terminal would disagree with our layout
                    shown = shown + " " * (w - measured) if measured < w else "\ufffd" + " " * (w - 1)
            parts.append(shown)
            cells += w
        if parts:
            segments.append(Segment("".join(parts), cur_style))
        return segments, cells


__all__ = ["RowPainting", "SLOTS"]
