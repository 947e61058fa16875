"""The annotator app: article view, side panel, status line, footer.

Every change goes through ``Session``; this module turns keys into session calls
and repaints what a change reports. Saving runs in a thread worker off a cheap
snapshot, at most a second after a change.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from .. import store
from .. import workspace as workspaces
from ..errors import InputError, short_error
from ..resources import data_dir
from ..model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, is_candidate
from ..schema import Schema
from ..session import ChangeReport, Session
from ..autosave import AUTOSAVE_DELAY, Saver, save_error
from ..workspace import Workspace
from .article_view import ArticleView
from .articles_nav import ArticlesMixin
from .attributes import AttributesMixin
from .estimates import EstimatesMixin
from .flows import FlowsMixin
from .footer import KeyFooter
from .help_palette import HelpPaletteMixin
from .side import SIDE_MIN_WIDTH, SideBySide
from .keygate import KeyGateMixin, start_paint_timer
from .keymap import RemapDisplayMixin
from .lost import LostMixin
from .navigation import NavigationMixin
from .opening import OpeningMixin
from .terminated import exit_status, quit_on
from .saving import quit_hint, start_saver, textual_saver
from .widgets import AnnotationList, DetailPanel, FindCancelled, StatusLine

if TYPE_CHECKING:
    from .inputs import FindBar

__all__ = ["AnnotatorApp", "AUTOSAVE_DELAY"]


def styles_path() -> list[Path]:
    """The stylesheets: from the checkout's styles/ or the installed package."""
    base = data_dir("styles")
    return [base / name for name in ("annotator.tcss", "article.tcss")]


def _actions_provider():
    """The palette's provider, imported when the palette first opens (startup cost)."""
    from .commands import ActionsProvider

    return ActionsProvider


class _Covered(SideBySide):
    """The article and the side panel side by side (hidden on a narrow terminal:
    ``tui.side``). Its children cover every cell of it: it paints blank lines
    without styling each one (Widget.BLANK), which saves ~1 ms of the first frame."""

    BLANK = True


class _Side(Vertical):
    """The side panel: a border on its left, its children over the rest of it.
    With no border above or below, no padding and no title, each of its lines is
    the same (the border's cell, then cells its children cover): one is rendered
    and repeated (Textual styled and bordered each of its 38 lines, ~1.5 ms of
    the first frame)."""

    def render_lines(self, crop: Region) -> list[Strip]:
        styles = self.styles
        if (
            crop.height <= 1
            or styles.border_top[0] not in ("", "none")
            or styles.border_bottom[0] not in ("", "none")
            or styles.padding.top
            or styles.padding.bottom
            or self._border_title is not None
            or self._border_subtitle is not None
        ):
            return super().render_lines(crop)
        return super().render_lines(Region(crop.x, crop.y, crop.width, 1)) * crop.height


class AnnotatorApp(
    OpeningMixin, KeyGateMixin, RemapDisplayMixin, HelpPaletteMixin, ArticlesMixin, NavigationMixin, AttributesMixin,
    LostMixin, FlowsMixin, EstimatesMixin, App[int],
):
    TITLE = "annotator"
    CSS_PATH = styles_path()
    COMMANDS = App.COMMANDS | {_actions_provider}

    BINDINGS = [
        Binding("slash", "find", "Find", id="find"),
        Binding("n", "find_next", "Next match", show=False, id="find_next"),
        Binding("N", "find_prev", "Prev match", show=False, id="find_prev"),
        Binding("right_square_bracket", "next_annotation", "Next ann", id="next_annotation"),
        Binding("left_square_bracket", "prev_annotation", "Prev ann", show=False, id="prev_annotation"),
        *[
            Binding(str(d), f"label({d})", "Label 1-9" if d == 1 else "", show=d == 1, key_display="1-9", id=f"label_{d}")
            for d in range(1, 10)
        ],
        Binding("x,delete", "delete", "Delete", id="delete"),
        Binding("escape", "cancel", "Cancel", show=False, id="cancel"),
        Binding("u,ctrl+z", "undo", "Undo", id="undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", id="redo"),
        Binding("tab", "next_suggestion", "Next sugg.", show=False, priority=True, id="next_suggestion"),
        Binding("shift+tab", "prev_suggestion", "Prev sugg.", show=False, priority=True, id="prev_suggestion"),
        Binding("y", "accept", "Accept", show=False, id="accept"),
        Binding("L", "lost", "Lost span: next / re-attach to selection", show=False, id="reattach_lost"),
        *FlowsMixin.FLOW_BINDINGS,
        *AttributesMixin.ATTRIBUTE_BINDINGS,
        Binding("greater_than_sign", "next_article", "Next article", id="next_article"),
        Binding("less_than_sign", "prev_article", "Prev article", id="prev_article"),
        Binding("C", "corpus", "Corpus view", show=False, id="corpus"),
        Binding("S", "review_queue", "Review queue", show=False, id="review_queue"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit_app", "Quit", id="quit"),
    ]

    def __init__(
        self,
        articles: list[Path],
        *,
        annotations_dir: Path,
        schema: Schema,
        user: str,
        first: store.Read | AnnotationSet | None = None,
        document: Document | None = None,
        suggester=None,
        lock_files: bool = True,
        keymap: dict[str, str] | None = None,
        theme: str | None = None,
        remember_theme: bool = False,
        start: int = 0,
        skipped: list[str] | tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        # The user's settings (annotator.settings): keys, theme (see tui.keymap).
        if keymap:
            self.set_keymap(keymap)
        if theme:
            self.theme = theme
        #: a theme picked in the palette is written back to the user's settings file
        self.remember_theme = remember_theme
        #: pre-tags each article when it opens (issue: suggestions), in a worker
        self.suggester = suggester
        #: one writer per article (a lock file beside the YAML); off for tests that open twice
        self.lock_files = lock_files
        self.articles = articles
        self.annotations_dir = annotations_dir
        self.schema = schema
        self.user = user
        #: the open article's index in ``articles`` (``start``: the first that could
        #: be opened; those before it, ``skipped``: one line each, told on the first frame)
        self.index = start
        self.skipped_at_start = list(skipped)
        #: the articles left (by index): their undo and redo (``workspace.History``)
        #: and cursor, taken back when they are opened again
        self._left: dict[int, tuple[workspaces.History, int]] = {}
        self.last_query: str = ""
        self.message = ""
        self.started = time.perf_counter()
        self._side_key: tuple | None = None
        #: the suggestion tab last went to (see _review_target)
        self._review = None
        self._status_text = ""
        #: the first article opening in a thread (``document`` given: its text is
        #: painted first, its annotations load meanwhile); None once it is open
        self.opening: workspaces.Opening | None = None
        #: why the first article could not be opened (the app then exits with 2)
        self.load_error: BaseException | None = None
        #: the open article (lock, journal, saves): see annotator.workspace
        if document is not None and first is None:
            self.opening = workspaces.Opening(
                articles[start], annotations_dir, schema, document, user=user, locked=lock_files, then=_prepare
            )
            self.workspace = self.opening.placeholder()
        else:
            self.workspace = self._open(start, first)
        self.session: Session = self.workspace.session
        self.saver: Saver = self._saver_for(self.workspace)
        #: the adjudication screen is on top, changing this session: repaint on return
        self._away = False
        #: q on a big article: quit once its save (off the UI thread) is on disk
        self._quit_after_save = False
        self.message = "; ".join(self.workspace.notes)

    # -- articles -----------------------------------------------------------------
    def _open(
        self, index: int, first: store.Read | AnnotationSet | None = None, history: workspaces.History | None = None
    ) -> Workspace:
        """Open an article through the workspace (lock, load, re-anchor, journal)."""
        article = self.articles[index]
        if isinstance(first, AnnotationSet):  # a set made in memory, for a new file
            first = store.Read(first, [], path=store.annotation_path(article, self.annotations_dir))
        ws = workspaces.open_article(
            article, self.annotations_dir, self.schema, user=self.user, opened=first, locked=self.lock_files,
            history=history,
        )
        self._attach(ws)
        return ws

    def _attach(self, ws: Workspace) -> None:
        ws.on_journal_error = self._journal_failed
        ws.session.listeners.append(self._on_session_change)

    def _saver_for(self, ws: Workspace) -> Saver:
        return textual_saver(self, ws, on_state=self._save_state)

    def _save_state(self, what: str) -> None:
        if what == "saved":
            self._journal_told = None
        if self.message.startswith("saving ") and self.message.endswith("…"):
            self.message = ("saved " if what == "saved" else "not saved: ") + self.message[7:-1]
        if self.is_running:
            self.refresh_status()

    def _show_notes(self, ws: Workspace) -> None:
        """What the user must know about the article just opened: on the status
        line, and each as a notification (read-only, recovered, set aside, lost)."""
        self.message = "; ".join(ws.notes)
        self.refresh_status()
        for note in ws.notes:
            self.notify(note, severity="warning", markup=False, timeout=8)

    def _tell_skipped(self, lines: list[str]) -> None:
        """Articles of the folder passed over because they cannot be opened: how
        many on the status line, each one's problem in a notification."""
        if not lines:
            return
        n = len(lines)
        told = f"skipped {n} article{'s' if n > 1 else ''} that cannot be opened: {lines[0]}" + (
            f" (and {n - 1} more)" if n > 1 else "")
        self.message = "; ".join(filter(None, (self.message, told)))
        self.refresh_status()
        for line in lines[:3]:
            self.notify(line, title="skipped", severity="error", markup=False, timeout=10)

    @property
    def save_error(self) -> str | None:
        return self.saver.error

    #: the journal's failure last told in a notification (each key that fails alike says nothing more)
    _journal_told: str | None = None

    def _journal_failed(self, exc: OSError) -> None:
        msg, reason = save_error(exc, self.workspace.yaml_path)

        def tell() -> None:
            if msg != self._journal_told:
                self._journal_told = msg
                self.notify(
                    f"Could not write the journal: {msg}. Saving the YAML instead.", severity="error", markup=False
                )
            self.saver.failed_elsewhere(f"journal: {msg}", f"journal: {reason}")

        try:
            tell()
        except Exception:
            pass

    # -- layout ----------------------------------------------------------------------
    def get_default_screen(self):
        from .article_screen import QuietFocusScreen

        return QuietFocusScreen(id="_default")

    def compose(self) -> ComposeResult:
        # The find prompt is mounted on the first `/` (tui.navigation.action_find)
        # into this slot, as high as the prompt (nothing while it is hidden): mounted
        # here, hidden, its Input's stylesheet and styles were ~6 ms of the first
        # frame. The slot comes first: Textual numbers the widgets it paints from the
        # last one laid out, so a prompt after the others, shown or hidden,
        # renumbered every one of them, and that repainted the whole screen; and the
        # prompt is mounted into the slot, not onto the screen, whose every cell a
        # mount onto it repaints.
        yield Vertical(id="find-slot")
        with _Covered(id="main"):
            yield self._make_view()
            with _Side(id="side") as side:
                side.display = self.size.width >= SIDE_MIN_WIDTH
                yield DetailPanel(id="details", markup=False)
                yield AnnotationList(self.session.aset, self.schema, id="annotation-list")
        yield StatusLine(id="status", markup=False)
        # One widget drawn from the bindings: in the first frame (mounted after
        # it, it made the whole screen lay out and paint again).
        yield KeyFooter()

    def _make_view(self) -> ArticleView:
        view = ArticleView(self.session.text, self.session.marks, slot_of=self.schema.slot, id="article")
        view.on_cursor = self._cursor_moved
        view.defer_rest = self.opening is not None  # laid out once the annotations are in (tui.opening)
        return view

    def _cursor_moved(self, offset: int) -> None:
        if self.is_running and self.screen.is_attached:
            self.refresh_side()

    @property
    def view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def annotation_list(self) -> AnnotationList:
        return self.query_one("#annotation-list", AnnotationList)

    #: the collector is off until the first frame (commands.annotate): on again after it
    collect_after_first_frame = False

    def on_mount(self) -> None:
        if self.collect_after_first_frame:
            from ..collector import resume

            self.call_after_refresh(resume)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._unhandle_signals = quit_on(self._terminated)
        self.call_after_refresh(start_paint_timer, self.screen)  # (the first key's repaint)
        self.view.focus()
        self.refresh_side()
        start_saver(self.saver)  # (made before the app ran: no timer then)
        if self.opening is not None:
            self.refresh_status()
            # The text is painted first; the annotations load after that frame.
            self.call_after_refresh(self._start_opening)
        else:
            self._show_notes(self.workspace)
        self._tell_skipped(self.skipped_at_start)
        if self.opening is None:
            self.start_suggesting()
            # the rules' precision is counted after the first frame (it shows no count)
            self.call_after_refresh(self.start_estimating)

    #: undoes on_mount's ``quit_on`` (nothing before it)
    _unhandle_signals = staticmethod(lambda: None)

    #: the find prompt, made when first asked for, mounted on the first `/`
    _find_bar: FindBar | None = None

    @property
    def find_bar(self) -> FindBar:
        """The find prompt (hidden until `/`; mounted by the first ``action_find``)."""
        if self._find_bar is None:
            from .inputs import FindBar

            cancel = self.key_for("find.cancel", FindBar, typing=True)
            bar = FindBar(placeholder=f"find (enter: select the match, {cancel}: cancel)", id="find")
            bar.display = False
            self._find_bar = bar
        return self._find_bar

    # -- change plumbing --------------------------------------------------------------
    def _on_session_change(self, report: ChangeReport) -> None:
        self.schedule_save()
        self.decisions_changed(report)
        if self._away:
            # The adjudication screen is on top: this view is repainted when it closes.
            return
        try:
            view = self.view
        except Exception:
            return
        view.invalidate(report.ranges)
        self.annotation_list.update_ids(report.ids, report.step.pairs)
        self.lost_changed(report.ids)
        if self.active_event is not None and self.active_event not in self.session.aset.events:
            self.active_event = None
        if report.undo:
            self.message = f"undid: {report.step.label}"
        elif report.redo:
            self.message = f"redid: {report.step.label}"
        else:
            self.message = report.step.note or report.step.label
        self.refresh_side()
        self.refresh_status()

    def refresh_side(self) -> None:
        """Details, list row and linked highlights of the annotation under the cursor.

        Each part repaints only when what it shows changed: a cursor move inside
        plain text costs one lookup."""
        ann = self.current_annotation()
        key = (ann, self.active_event, self.session.version if ann else None)
        if key == self._side_key:
            return
        self._side_key = key
        self.query_one("#details", DetailPanel).show(self.session, ann, self.active_event)
        self.annotation_list.show(ann.id if ann else None)
        self.view.set_related(self.related_marks(ann) if ann else [])

    def refresh_status(self) -> None:
        s = self.session
        counts = " ".join(f"{k}:{v}" for k, v in s.counts().items() if v)
        st = s.status_counts()
        review = f"  pending {st[SUGGESTED]} accepted {st[ACCEPTED]} rejected {st[REJECTED]}" if st[SUGGESTED] or st[REJECTED] else ""
        if self.opening is not None:
            saved = "loading annotations…"
        elif s.read_only:
            saved = "READ-ONLY"
        elif self.save_error:
            saved = f"NOT SAVED ({self.saver.reason or self.save_error})"
        else:
            saved = "unsaved" if s.dirty else "saved"
        where = f"{self.index + 1}/{len(self.articles)} " if len(self.articles) > 1 else ""
        name = self.articles[self.index].name
        head = f" {where}{name}{self.estimates_status()}  "
        middle = f"{counts or 'no entities'}{review}"
        state = f"{self.lost_status()}  [{saved}]"
        message = f"  {self.message}" if self.message else ""
        line = head + middle + state + message
        if line != self._status_text:
            self._status_text = line
            self.query_one("#status", StatusLine).show(head, middle, state, message)

    @on(AnnotationList.Picked)
    def _picked(self, message: AnnotationList.Picked) -> None:
        ann = self.session.get(message.ann_id)
        if ann is not None and message.ann_id in self.lost_ids():
            self.pick_lost(ann.id)  # not on the article: its details, and L / x act on it
            return
        if ann is not None and not isinstance(ann, type(None)) and hasattr(ann, "start"):
            self.view.move_to(ann.start)
            self.view.focus()

    # -- what the cursor is on ------------------------------------------------------------
    def current_annotation(self):
        lost = self.picked_lost()
        if lost is not None:
            return lost
        reviewing = self._review_target()
        if reviewing is not None:
            return reviewing
        view = self.view
        sel = view.selection
        if sel is not None:
            exact = self.session.entity_with_span(*sel)
            if exact is not None:
                return exact
        s, e = view.cursor_token
        return self.session.annotation_at(view.cursor) or (self.session.annotation_at(s) if s != view.cursor else None)

    def current_entity(self) -> Entity | None:
        """The entity a key acts on: the one a selection covers exactly (a find of
        a tagged name selects it), else the one under the cursor."""
        reviewing = self._review_target()
        if isinstance(reviewing, Entity):
            return reviewing
        sel = self.view.selection
        if sel is not None:
            exact = self.session.entity_with_span(*sel)
            if exact is not None:
                return exact
        ann = self.session.annotation_at(self.view.cursor, (Entity,))
        return ann if isinstance(ann, Entity) else None

    def entity_in_focus(self) -> Entity | None:
        """The entity a key acts on, or None when a selection marks new text:
        a selection that covers exactly one entity is that entity."""
        sel = self.view.selection
        if sel is not None and self.session.entity_with_span(*sel) is None:
            return None
        return self.current_entity()

    # -- actions: labels ------------------------------------------------------------------
    def action_label(self, digit: int) -> None:
        label = self.schema.label_for_key(str(digit))
        if label is None:
            self.say(f"no label on key {self.label_key(str(digit))}")
            return
        view = self.view
        ent = self.entity_in_focus()
        if ent is not None:
            if ent.status == SUGGESTED and is_candidate(ent):  # one side of a merge conflict
                view.clear_selection()
                self.accept_merge_version(ent, label)
                return
            if ent.label != label or ent.status == SUGGESTED:
                self.session.relabel(ent.id, label)
            else:
                self.say(f"{ent.id} is already {label}")
            view.clear_selection()
            self._advance_if_reviewing(ent, self._position_of(ent))
            return
        start, end = view.target
        if start >= end:
            self.say("nothing to label here")
            return
        self.session.add_entity(label, start, end)
        view.clear_selection()
        self.refresh_side()

    def action_delete(self) -> None:
        ann = self.current_annotation()
        if ann is None:
            self.say("no annotation under the cursor")
            return
        was_suggestion = ann.status == SUGGESTED
        where = self._position_of(ann)
        self.session.delete(ann.id)
        if was_suggestion:
            self._goto_suggestion(True, after=where)

    # -- the find bar's messages (``@on`` needs the App's class: a plain mixin's are not seen) --
    @on(Input.Submitted, "#find")  # (FindBar's: the find prompt, tui.inputs)
    def _find_submitted(self, message: Input.Submitted) -> None:
        self.find_submitted(message.value)

    @on(FindCancelled)
    def _find_cancelled(self) -> None:
        self._close_find()

    # -- undo ------------------------------------------------------------------------------
    def action_undo(self) -> None:
        report = self.session.undo()
        if report is None:
            self.say("nothing to undo")
        elif report.ranges:
            self.view.move_to(min(s for s, _ in report.ranges))
            self.refresh_side()

    def action_redo(self) -> None:
        report = self.session.redo()
        if report is None:
            self.say("nothing to redo")
        elif report.ranges:
            self.view.move_to(min(s for s, _ in report.ranges))
            self.refresh_side()

    # -- adjudication (audit against another file) from the palette -------------------------
    async def adjudicate(self, pred: str | None) -> None:
        """Open the adjudication screen on this article, in this very workspace:
        decisions are changes of the open session (journaled, autosaved, undoable
        here too); the lock and the journal stay where they are."""
        from ..adjudication import for_session
        from .adjudicate import AdjudicateScreen

        if self.workspace.read_only:
            self.say(f"read-only: {self.workspace.holder} has this article open; adjudicate there")
            return
        if not self.save_now():
            return
        try:
            adj, notes = for_session(self.session, pred)
        except InputError as err:
            self.say(err.message)
            self.notify(err.message, severity="error", markup=False)
            return
        if adj is None:
            self.say("nothing to adjudicate: no open disagreement" + (f" ({'; '.join(notes)})" if notes else ""))
            return

        async def back(_result) -> None:
            await self._show_session()
            left = len(adj.open)
            self.say("back from adjudication: " + (f"{left} disagreements left open" if left else "all settled"))

        self._away = True
        await self.push_screen(AdjudicateScreen([adj], self.schema, notes=notes, savers=[self.saver]), back)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """While another screen is on top (adjudication, a picker), the article's
        keys are off: they would act on a session that is not on screen. A
        read-only article (another process has it) takes no changes."""
        if len(self.screen_stack) > 1 and action in _OWN_ACTIONS:
            return False
        if action in _CHANGES and getattr(self, "session", None) is not None and self.session.read_only:
            return False
        return True

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """An editing key on a read-only article is told, once for each press: why
        (who holds the article), on the status line and in a brief toast; nothing
        changes. check_action turned it off, and Textual dropped it in silence."""
        target, name, params = self._parse_action(
            action, self if default_namespace is None else default_namespace, namespaces
        )
        if target is self and name in _TOLD_READ_ONLY and self._refused_read_only():
            self.tell_read_only()
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def _refused_read_only(self) -> bool:
        return (
            len(self.screen_stack) == 1 and self.opening is None
            and getattr(self, "session", None) is not None and self.session.read_only
        )

    #: when the last read-only toast was shown (``time.monotonic``): one on screen at a time
    _read_only_toast_at = float("-inf")

    def tell_read_only(self) -> None:
        """Say that the article is read-only, and why."""
        who = self.workspace.holder or ""
        if who.startswith("nobody (") and who.endswith(")"):
            why = brief = who[len("nobody ("):-1]  # (cannot lock: the reason)
        elif who and who != "nobody":
            # the status line names the holder; the toast says where (pid, host, since)
            why, brief = f"{who} has it open", f"{who.split(' (')[0]} has it open"
        else:
            why = brief = "opened read-only"
        self.say(f"read-only, nothing changed: {brief}")
        now = time.monotonic()
        if now - self._read_only_toast_at >= READ_ONLY_TOAST:
            self._read_only_toast_at = now
            self.notify(f"read-only, nothing changed: {why}", severity="warning", timeout=READ_ONLY_TOAST, markup=False)

    # -- suggestions from a suggester, in the background ------------------------------------
    def start_suggesting(self) -> None:
        if self.suggester is None:
            return
        session = self.session
        self.say(f"suggesting with {self.suggester.name}…")
        self._suggest_worker(session, session.aset.copy())

    @work(thread=True, group="suggest", exclusive=True, exit_on_error=False)
    def _suggest_worker(self, session: Session, snapshot: AnnotationSet):
        last = [0.0]

        def progress(fraction: float) -> None:
            if fraction - last[0] >= 0.05 or fraction >= 1.0:
                last[0] = fraction
                self.call_from_thread(self.say, f"suggesting with {self.suggester.name}: {fraction:.0%}")

        proposals = self.suggester.propose(snapshot, progress=progress)
        return session, proposals

    def _suggestions_ready(self, session: Session, proposals) -> None:
        from ..suggest.base import Merging, merged

        if session is not self.session:
            return  # the user moved to another article meanwhile
        # Merge against the set as it is now: the user may have tagged meanwhile.
        steps = Merging(session.aset, proposals, self.suggester.name)
        new = merged(steps)
        notes = "; ".join(getattr(proposals, "notes", []) or [])
        if steps.also:  # what another suggester has already: recorded as this one's too, in the same step
            notes = "; ".join(x for x in (notes, f"{len(steps.also)} already suggested, recorded as {self.suggester.name}'s too") if x)
            session.apply(f"{len(new)} suggestions from {self.suggester.name}", [*steps.also, *((None, a) for a in new)])
        elif new:
            session.add_many(f"{len(new)} suggestions from {self.suggester.name}", new)
        pending = session.status_counts()[SUGGESTED]
        self.say(
            f"{len(new)} new suggestions from {self.suggester.name}; {pending} pending: {self.key_for('next_suggestion')} goes to the next"
            + (f" ({notes})" if notes else "")
        )

    def accept_all(self, label: str, min_score: float) -> int:
        """Accept every pending entity suggestion of a label at or above a score: one undo step."""
        from ..model import with_status

        pairs = []
        for ent in self.session.aset.entities.values():
            if ent.status == SUGGESTED and ent.label == label and (ent.score is None or ent.score >= min_score):
                pairs.append((ent, with_status(ent, ACCEPTED, self.user)))
        if pairs:
            self.session.apply(f"accept {len(pairs)} {label} suggestions scored {min_score:g} or more", pairs)
        self.say(f"accepted {len(pairs)} {label} suggestions scored {min_score:g} or more" if pairs else f"no pending {label} suggestions scored {min_score:g} or more")
        return len(pairs)

    # -- saving (annotator.autosave.Saver; this only keeps the status line) ----------------
    def schedule_save(self) -> None:
        self.saver.changed()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "suggest":
            if event.state == WorkerState.SUCCESS:
                self._suggestions_ready(*worker.result)
            elif event.state == WorkerState.ERROR:
                msg = getattr(worker.error, "message", None) or short_error(worker.error)
                self.say(f"suggesting failed: {msg}")
                self.notify(f"Suggesting failed: {msg}", severity="error", markup=False)

    def save_now(self) -> bool:
        """Save on the UI thread (ctrl+s waits for it; quitting and switching too)."""
        ok = self.saver.save_now()
        self.refresh_status()
        return ok

    def action_save(self) -> None:
        if len(self.session.marks) > SAVE_IN_BACKGROUND and not self.saver.error:
            # A big article: written by the autosave's worker, keys go on meanwhile;
            # the status line says "saved" when it is on disk.
            if self.saver.save_soon():
                self.say(f"saving {self.session.yaml_path}…")
            else:
                self.say(f"saved {self.session.yaml_path}")
            return
        if self.save_now():
            self.say(f"saved {self.session.yaml_path}")

    def on_unmount(self) -> None:
        """Closing without a save (ctrl+q): the journal keeps the unsaved work."""
        self._unhandle_signals()
        self.saver.stop()
        self.workspace.close(save=False)
        self._let_go_of_opening()  # quit while loading: what the thread opened

    def action_quit_app(self) -> None:
        saver = self.saver
        if len(self.session.marks) > SAVE_IN_BACKGROUND and not saver.error and self.workspace.needs_save():
            # A big article takes seconds to write: write it off the UI thread, say
            # so on the status line, and quit once it is on disk (or say why not).
            if not self._quit_after_save:
                self._quit_after_save = True
                saver.listeners.append(self._saved_then_quit)
            self.say(f"saving {self.session.yaml_path} before quitting…")
            if not saver.saving:
                saver.save_soon()
            return
        if self.save_now():
            self.saver.stop()
            self.workspace.close()
            self.exit(0)
        else:
            self.say(quit_hint(self.key_for("quit")))

    async def action_quit(self) -> None:
        """ctrl+q (Textual's quit, the way out when saves fail): the article saved
        first when it can be, on this thread even for a big one (as on a signal),
        then quit; a save that fails leaves the work in the journal. A big article's
        save ran off the UI thread and ctrl+q did not wait for it: the YAML lacked
        the last changes (an export or a commit made next missed them)."""
        if self.opening is None and not self.session.read_only and not self.saver.error:
            self.save_now()
        await super().action_quit()

    def _terminated(self, signum: int) -> None:
        """SIGTERM or SIGHUP (``tui.terminated``): saved as on q, an adjudication
        open over the article too, on this thread even for a big article (nobody
        is left to press keys meanwhile); exit 128 + the signal's number. A save
        that fails leaves the work in the journal, for the next open."""
        for screen in self.screen_stack:
            save_all = getattr(screen, "save_all", None)
            if save_all is not None:
                save_all()
        if self.opening is None and self.save_now():
            self.saver.stop()
            self.workspace.close()
        self.exit(exit_status(signum), return_code=exit_status(signum))

    def _saved_then_quit(self, what: str) -> None:
        """Listener of the saver while quitting a big article (see action_quit_app)."""
        if what == "failed":
            self._quit_after_save = False
            self.saver.listeners.remove(self._saved_then_quit)
            self.say(quit_hint(self.key_for("quit")))
        elif self.workspace.needs_save():
            self.saver.save_soon()  # a change made while it was written: write that too
        else:
            self.saver.listeners.remove(self._saved_then_quit)
            self.saver.stop()
            self.workspace.close()
            self.exit(0)

    def say(self, message: str) -> None:
        self.message = message
        self.refresh_status()


#: actions of the app itself (bindings), turned off while another screen is on top
_OWN_ACTIONS = {
    (b.action.split("(")[0]) for b in AnnotatorApp.BINDINGS if isinstance(b, Binding)
}


#: actions that change annotations (off on a read-only article)
_CHANGES = {
    "label", "delete", "undo", "redo", "accept", "event", "role", "attribution", "attribution_type",
    "confirm", "relation", "delete_relation", "save", "attributes",
}


#: the changes a read-only article tells it refuses (enter confirms a step of a
#: change that could not start)
_TOLD_READ_ONLY = _CHANGES - {"confirm"}

#: how long the toast saying an article is read-only stays (seconds)
READ_ONLY_TOAST = 3.0


#: ctrl+s saves an article with more marks than this off the UI thread
SAVE_IN_BACKGROUND = 20_000


def _prepare(ws: Workspace):
    """What the app can make from a newly opened set off the UI thread: the list's
    rows, the ids of the annotations with a lost span, the decisions on suggestions
    (``start_estimating``); and the session's index of links (the side panel's,
    made at its first use: the first key that lands on an entity waited for it)."""
    from ..referrers import for_session
    from ..suggest import precision

    from .. import columns

    for_session(ws.session)
    # (the entities' columns as the session checked them, if the set is as it was then)
    rows = AnnotationList.rows_of(ws.session.aset, ws.session.take_entity_columns())
    columns.forget()  # (the reader's columns: the index, the counts and the rows are made)
    return rows, rows.lost_ids(), precision.decisions([ws.session.aset])
