"""Keys typed ahead reach the widget they were typed for, in order.

Textual hands a key to the focused widget by posting it to that widget's
queue; the key's binding runs later, when the key bubbles back up to the app.
Keys that arrive together (a paste of keystrokes, key repeat, a busy app, an
SSH link delivering them in clumps) are all handed out before the first one's
action has run, so the key after ``/`` went to the article instead of the find
bar it opened, and the key after ``enter`` in the find bar went to the bar
instead of the article it returned to.

The gate makes the app take one key at a time: a key is dispatched only when
everything the previous key set off (its binding, the screen or input it
opened, the focus change, the messages those posted) has been handled. A key
typed alone, with nothing in flight, is dispatched at once: no added latency.

The gate can also hold keys: while ``gate_holds(key)`` says so (the app: the
annotations are still loading and the key needs them), that key and every key
after it wait, in order, until ``gate_release()``; keys before it go at once.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import deque
from contextlib import contextmanager

from textual import events

from .. import pace

#: give up waiting for the app to settle after this many loop turns (about a
#: second of a busy loop) and dispatch anyway, rather than hold keys forever
MAX_TURNS = 2000

#: a thread's work gives way (``gate_give_way``) this long after an input event
#: at least, and until the app has handled it (at most ``GIVE_WAY_MAX`` a pause)
GIVE_WAY = 0.01
GIVE_WAY_MAX = 0.1

#: the switch interval while work of ours runs in a thread (a load, a save): a key
#: waits 0.25 ms for the interpreter, not 5
SHARED_SWITCH_INTERVAL = 0.00025


def start_paint_timer(screen) -> None:
    """Start the timer ``screen`` paints from, once its first frame is out (the
    apps' ``on_mount``, through ``call_after_refresh``). Textual's screen paints
    a change at the tick of a timer (every 1/60 s) that waits, paused, while
    nothing changes, and ticks at once when resumed; but the first period
    begins at the first resume, and the first frame is painted by the layout,
    not by the timer. So the user's first key waited a whole period for its
    repaint: 24 ms against 6 ms for the next ones, in a real terminal. Started
    here, that first period runs out while nobody waits (its tick finds
    nothing to paint; ``screens`` does the same for a modal screen)."""
    screen._update_timer.resume()


def _busy(pump) -> bool:
    queue = pump._message_queue
    unfinished = getattr(queue, "_unfinished_tasks", None)
    if unfinished is None:  # not CPython's asyncio.Queue: fall back to the length
        unfinished = queue.qsize()
    return bool(unfinished or pump._next_callbacks)


class KeyGateMixin:
    """Mixed into an App before ``App``: serialises raw key (and paste) events."""

    _gate_keys: deque | None = None
    _gate_task: asyncio.Task | None = None
    _gate_passed: set[int] | None = None

    #: when the last key, paste or mouse event reached the app (``time.monotonic``)
    _input_at: float = 0.0

    #: threads of ours sharing the interpreter now, and the switch interval before them
    _sharing = 0
    _switch_interval: float | None = None

    def _share(self) -> None:
        """One more thread shares the interpreter with the UI: hand it back to keys
        after 0.25 ms instead of 5, and let the thread's pieces give way while a key
        is handled (``pace``, ``gate_give_way``)."""
        if self._sharing == 0:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, SHARED_SWITCH_INTERVAL))
            pace.set_hook(self.gate_give_way)
        self._sharing += 1

    def _unshare(self) -> None:
        self._sharing -= 1
        if self._sharing == 0:
            pace.set_hook(None)
            if self._switch_interval is not None:
                sys.setswitchinterval(self._switch_interval)
                self._switch_interval = None

    @contextmanager
    def sharing_interpreter(self):
        """For work of ours in a thread (a save): the UI keeps the interpreter for
        its keys meanwhile, as while the first article loads."""
        self._share()
        try:
            yield
        finally:
            self._unshare()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste, events.MouseEvent)):
            self._input_at = time.monotonic()
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            passed = self._gate_passed
            if passed is not None and id(event) in passed:
                passed.discard(id(event))  # a key the gate let through
            elif self._gate_task is not None or self._gate_keys:
                self._gate_keys.append(event)  # something is in flight or held: wait its turn
                return
            else:
                if self._gate_keys is None:
                    self._gate_keys = deque()
                    self._gate_passed = set()
                if self.gate_holds(event):
                    self._gate_keys.append(event)  # held until gate_release()
                    return
                self._gate_task = asyncio.create_task(self._gate_drain())
        await super().on_event(event)  # type: ignore[misc]

    def gate_give_way(self) -> None:
        """Called by long work in another thread between two of its pieces (see
        ``annotator.pace``): while the app is handling a key (or a click, a
        scroll), wait, so that the key has the interpreter to itself."""
        start = time.monotonic()
        while True:
            now = time.monotonic()
            since = now - self._input_at
            if now - start >= GIVE_WAY_MAX or since >= GIVE_WAY_MAX:
                return
            if since >= GIVE_WAY:
                try:
                    if self._settled():
                        return
                except RuntimeError:  # the app changed its widgets meanwhile: busy
                    pass
                except Exception:  # the app is going away: no more waiting
                    return
            time.sleep(0.001)

    def gate_holds(self, event: events.Event) -> bool:
        """Must this key wait for ``gate_release()``? (Override; no by default.)"""
        return False

    def gate_release(self) -> None:
        """Let the held keys in, in the order they were typed."""
        if self._gate_keys and self._gate_task is None:
            self._gate_task = asyncio.create_task(self._gate_drain())

    def _settled(self) -> bool:
        if _busy(self):
            return False
        for screen in self.screen_stack:  # type: ignore[attr-defined]
            if _busy(screen):
                return False
            for node in screen.walk_children():
                if _busy(node):
                    return False
        return True

    async def _gate_drain(self) -> None:
        """Wait for the key in flight to be handled, then let the next one in."""
        try:
            while True:
                for _ in range(MAX_TURNS):
                    await asyncio.sleep(0)
                    if self._settled():
                        break
                keys = self._gate_keys
                if not keys or self._closing or self._closed:  # type: ignore[attr-defined]
                    return
                if self.gate_holds(keys[0]):
                    return  # gate_release() starts again
                key = keys.popleft()
                self._gate_passed.add(id(key))
                self.post_message(key)  # type: ignore[attr-defined]
        finally:
            self._gate_task = None
