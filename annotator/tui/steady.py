"""A ScrollView that sets up its scrollbars only when a size changed."""

from __future__ import annotations

from textual.geometry import Size


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
