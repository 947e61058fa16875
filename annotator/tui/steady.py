"""A ScrollView that sets up its scrollbars only when a size changed."""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.scroll_view import ScrollView


class SteadyScrollbars:
    """For a ScrollView (put it first among the bases).

    ScrollView._size_updated compares the size the layout gives as the virtual
    size (the viewport's) with the widget's own virtual size (the document's):
    they differ whenever there is something to scroll, so every layout of the
    screen (the find bar shown or hidden) set the scrollbars up again and
    repainted them, in a frame of their own. Here that is done only when the
    size, the container's size or the document's size changed."""

    _sized: tuple | None = None

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

