"""A ScrollView that sets up its scrollbars only when a size changed, and whose
vertical scrollbar renders each different line once."""

from __future__ import annotations

from textual._segment_tools import line_pad
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style


class RepeatingScrollBar(ScrollBar):
    """A scrollbar whose lines are few different ones (the track above the thumb,
    the thumb, its ends, the track below): each is styled once and repeated.
    Textual styled each of the 38 lines of a bar one by one, in the first frame.

    What Textual's styling makes of a line depends only on the line's content
    when there is no border, outline or padding above or below (nor a title):
    otherwise every line is rendered as Textual does."""

    def render_lines(self, crop: Region) -> list[Strip]:
        styles = self.styles
        if (
            crop.height <= 1
            or any(edge[0] not in ("", "none") for edge in (styles.border_top, styles.border_bottom))
            or any(edge[0] not in ("", "none") for edge in (styles.outline_top, styles.outline_bottom))
            or styles.padding.top
            or styles.padding.bottom
            or self._border_title is not None
            or self._border_subtitle is not None
        ):
            return super().render_lines(crop)
        if self._dirty_regions:
            self._render_content()  # (what Widget.render_line does first)
        lines = self._render_cache.lines
        done: list[tuple[Strip | None, Strip]] = []
        out: list[Strip] = []
        render = super().render_lines
        for y in crop.line_range:
            line = lines[y] if 0 <= y < len(lines) else None
            for content, strip in done:
                if content == line:
                    break
            else:
                strip = render(Region(crop.x, y, crop.width, 1))[0]
                done.append((line, strip))
            out.append(strip)
        return out


class PlainLines:
    """For a line-API widget (put it before ScrollView among the bases): its lines
    put together as Textual's ``StylesCache.render_line`` does when the styles ask
    for none of its steps (no border, outline, padding above or below, tint, hatch,
    opacity or text opacity): each line of the widget, its cells adjusted to the
    content's width, the padding left and right in the background; then the line
    filters and the crop. The same strips (tests/test_plain_lines.py), without
    the look-ups of every step for each line: ~1.5 ms of the first frame for the
    article's 38 rows, as much for the list's 26. Anything else: Textual's way."""

    def render_lines(self, crop: Region) -> list[Strip]:
        styles = self.styles
        if (
            self._border_title is not None
            or self._border_subtitle is not None
            or any(edge[0] for edge in styles.border)
            or any(edge[0] for edge in styles.outline)
            or styles.padding.top
            or styles.padding.bottom
            or styles.tint.a
            or styles.text_opacity != 1.0
            or self.opacity != 1.0
            or (styles.has_rule("hatch") and styles.hatch != "none")
            or self.BLANK
        ):
            return super().render_lines(crop)
        base_background, background = self.background_colors
        width = self.region.width
        content_width, content_height = self.content_region.size
        _, pad_right, _, pad_left = styles.padding
        inner = Style(background=base_background + background).rich_style
        key = (width, content_width, pad_left, pad_right, inner)
        cache = self.__dict__.setdefault("_plain_lines", {})
        if cache.get("key") != key:
            cache.clear()
            cache["key"] = key
        filters = self.get_line_filters()
        render_line = self.render_line
        strips: list[Strip] = []
        for y in crop.line_range:
            content = render_line(y) if y < content_height else None
            hit = cache.get(y)
            if hit is not None and hit[0] is content:
                strip = hit[1]
            else:
                if content is None:
                    line = Strip.blank(content_width, inner)
                else:
                    line = content.adjust_cell_length(content_width, inner)
                if pad_left or pad_right:
                    line = line_pad(line, pad_left, pad_right, inner)
                strip = Strip(line, width)
                cache[y] = (content, strip)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        if self.auto_links:  # (what StylesCache.render_widget does last)
            hover_style = self.hover_style
            if hover_style._link_id and hover_style._meta and "@click" in hover_style.meta:
                link_style_hover = self.link_style_hover
                if link_style_hover:
                    strips = [strip.style_links(hover_style.link_id, link_style_hover) for strip in strips]
        return strips


class SteadyScrollbars:
    """For a ScrollView (put it first among the bases).

    ScrollView._size_updated compares the size the layout gives as the virtual
    size (the viewport's) with the widget's own virtual size (the document's):
    they differ whenever there is something to scroll, so every layout of the
    screen (the find bar shown or hidden) set the scrollbars up again and
    repainted them, in a frame of their own. Here that is done only when the
    size, the container's size or the document's size changed."""

    _sized: tuple | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Widget.vertical_scrollbar, a ``RepeatingScrollBar``."""
        if self._vertical_scrollbar is not None:
            return self._vertical_scrollbar
        self._vertical_scrollbar = bar = RepeatingScrollBar(
            vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
        )
        bar.display = False
        self.app._start_widget(self, bar)
        return bar

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        key = (size, container_size, self.virtual_size)
        if key == self._sized and size == self._size:
            return self._container_size != container_size  # (what ScrollView's returns then)
        self._sized = key
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _get_scrollable_region(self, region: Region) -> Region:
        # Textual asks this while it places the widget, before ``_size_updated``. The
        # first time, the vertical scrollbar is decided here from the document's size,
        # so the first layout places it: decided in ``_size_updated``, it came a layout
        # and a frame later (the widget, narrower by the scrollbar, painted twice).
        if self._sized is None and region.height > 0:
            styles = self.styles
            if styles.overflow_y == "auto" and styles.scrollbar_size_vertical:
                show = self.virtual_size.height > region.height
                if show and styles.overflow_x != "hidden":
                    show = self.virtual_size.width <= region.width - styles.scrollbar_size_vertical
                    # (else a horizontal bar too: left to Textual)
                if show != self.show_vertical_scrollbar:
                    self.set_reactive(ScrollView.show_vertical_scrollbar, show)
        return super()._get_scrollable_region(region)

    def set_document_size(self, virtual_size: Size) -> None:
        """Set ``virtual_size`` (the document's size). ``virtual_size`` is a layout
        reactive: setting it lays the whole screen out again and repaints what it
        covers, a frame of its own after the change's (a row added to a long list:
        20 ms more a key). When the scrollbars stay as they are, only the vertical
        bar's thumb changes, and that is set here without a layout."""
        old = self.virtual_size
        if virtual_size == old:
            return
        height = self.container_size.height
        if (
            self.size.height == 0
            or virtual_size.width != old.width
            or (self.show_horizontal_scrollbar and self.styles.scrollbar_size_horizontal)
            or (virtual_size.height > height) != (old.height > height)
            or (virtual_size.height > height) != self.show_vertical_scrollbar
        ):
            self.virtual_size = virtual_size  # a scrollbar comes or goes: the layout places it
            return
        self.set_reactive(ScrollView.virtual_size, virtual_size)
        self._scroll_update(virtual_size)  # the thumb, and the scroll offset kept in range

