"""The adjudication view: gold and the other side in one article, decided key by key.

``annotator audit GOLD PRED --view`` opens it (and, in the annotator, the palette's
"Audit against another file…"). The article shows the gold set's marks as the
annotator does; over them, each disagreement with the other side is drawn with
its own component class (``article--missed``, ``--spurious``, ``--wrong``,
``--partial``; settled ones ``--resolved``). ``n``/``N`` (or ``]``/``[``) go from
one open disagreement to the next, ``1``/``a`` keeps gold, ``2``/``b`` takes the
other side. Events (trigger, type, each argument role) and attributions (the
whole, source, cue, content, type) are walked with entities, in reading order.
On a merged gold (``annotator merge``, ``merge-file``) the candidates are walked:
``y`` accepts one, ``x`` rejects it (``2``/``b`` and ``1``/``a`` too). Decisions go through ``annotator.adjudication`` and so through the
gold ``Session``: undoable, saved to the gold file only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ..adjudication import KIND_NAMES, LAYERS, OPEN_KINDS, Adjudication, Decision, name_of, order_of
from ..audit import MATCH, MISSED, PARTIAL, SPURIOUS, WRONG_LABEL, Disagreement
from ..audit.disagreements import ARGUMENT, CANDIDATE, ENTITY, PART
from ..model import SUGGESTED, Span
from ..resources import data_dir
from ..schema import Schema
from ..session import ChangeReport, Session
from ..autosave import Saver
from ..workspace import Workspace
from .footer import KeyFooter
from .article_layers import LayeredArticleView
from .article_view import ArticleView
from .keygate import KeyGateMixin, start_paint_timer
from .keymap import RemapDisplayMixin, key_for, keys_for, prose
from .saving import quit_hint, textual_saver
from .terminated import exit_status, quit_on
from .screens import HelpScreen, help_intro
from .side import SIDE_MIN_WIDTH, SideBySide
from .widgets import StatusLine, short

#: Component class of each kind of comparison (the stylesheet gives the looks).
LAYER_OF = {
    MATCH: "article--agree",
    WRONG_LABEL: "article--wrong",
    PARTIAL: "article--partial",
    MISSED: "article--missed",
    SPURIOUS: "article--spurious",
    ARGUMENT: "article--wrong",
    PART: "article--wrong",
    CANDIDATE: "article--spurious",
}
RESOLVED = "article--resolved"
PLURAL = {"entity": "entities", "event": "events", "attribution": "attributions", "relation": "relations"}
CURRENT = "article--current"

HELP_INTRO = """\
Gold and the other side in one article. Gold entities keep their label colour;
where the other side disagrees: missed (gold only) red underlined, spurious (other
side only) yellow italic, wrong label (same span) magenta, partial (overlapping
spans) double underlined; settled ones are dimmed.
{adjudicate.next*} goes to the next open disagreement, {adjudicate.prev*} to the previous one. At each:
{adjudicate.gold*} keeps gold, {adjudicate.other*} takes the other side into gold. {adjudicate.undo} undoes a decision.
Events (trigger, type, each argument) and attributions (source, cue, content,
type) come in reading order with the entities; taking the other side of one
brings the entities it refers to.
On a merged gold, each candidate in turn: {adjudicate.accept} accepts it, {adjudicate.reject} rejects it.
Only the gold file is written (automatically, and on {adjudicate.save} and {adjudicate.quit}).
"""

LEGEND = """\
missed    gold only: red, underlined
spurious  other side only: yellow, italic
wrong     other label: magenta
partial   overlapping: double underline
settled   dimmed"""

#: ``{accept}``, ``{reject}``: the keys of this keymap (``legend``)
MERGED_LEGEND = """\
candidate  left by the merge: yellow, italic
decided    dimmed
{accept} accepts (its entities too, its
  alternatives are rejected); {reject} rejects"""


def styles_path() -> list:
    base = data_dir("styles")
    return [base / name for name in ("annotator.tcss", "article.tcss")]


def _side_lines(side: str, span: Span | None, label: str | None, ident: str | None) -> list[str]:
    """Two lines of the side panel: label, offsets and ID; then the text."""
    if span is None:
        return [f"{side:<7}—"]
    frags = ",".join(f"{s}:{e}" for s, e in span.fragments)
    return [f"{side:<7}{label}  {frags}  {ident or ''}".rstrip(), " " * 7 + repr(short(span.text, 32))]


def _candidate_lines(aset, ann_id: str | None) -> list[str]:
    """A candidate in a few lines: what it is, and its parts (an event's
    arguments, an attribution's source, cue, content)."""
    from ..model import Attribution, Entity, Event, Relation, source_span

    ann = aset.get(ann_id) if ann_id else None
    if isinstance(ann, Entity):
        frags = ",".join(f"{s}:{e}" for s, e in ann.span.fragments)
        return [f"entity {ann.label}  {frags}  {ann.id}", " " * 7 + repr(short(ann.text, 32))]
    if isinstance(ann, Event):
        lines = [f"event  {ann.type}  {ann.id}  {short(ann.trigger.text, 16)!r}"]
        for a in ann.arguments[:2]:
            e = aset.entities.get(a.ref)
            lines.append(f"  {short(a.role, 10):<11}{short(e.text, 24) if e else a.ref!r}")
        if len(ann.arguments) > 2:
            lines.append(f"  and {len(ann.arguments) - 2} more")
        return lines
    if isinstance(ann, Attribution):
        lines = [f"attribution {ann.id}" + (f"  {ann.type}" if ann.type else "")]
        src = source_span(aset, ann)
        for name, sp in (("source", src), ("cue", ann.cue), ("content", ann.content)):
            lines.append(f"  {name:<8}" + (repr(short(sp.text, 30)) if sp is not None else "—"))
        return lines
    if isinstance(ann, Relation):
        return [f"relation {ann.type}  {ann.id}  {ann.arg1} → {ann.arg2}"]
    return [str(ann_id)]


class AdjudicationHelp(HelpScreen):
    """Every key of the adjudication view; its prose with the keys of this keymap."""

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.rows), default=4) + 2
        table = "\n".join(f"{k:<{width}}{d}" for k, d in self.rows)
        with VerticalScroll(id="help-box"):
            yield Static(Content(f"Keys of the adjudication view   ({self.close_key()} closes)"), id="help-title")
            yield Static(Content(self.intro), id="help-intro")
            yield Static(Content(table), id="help-keys")


class AdjudicateScreen(Screen[int]):
    """One article at a time from ``articles``; ``>``/``<`` move between them."""

    DEFAULT_CSS = """
    AdjudicateScreen #adj-details { height: 13; padding: 0 1; border-bottom: solid $panel-lighten-2; }
    AdjudicateScreen #adj-legend { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,right_square_bracket", "next_disagreement", "Next", key_display="n/]", id="adjudicate.next"),
        Binding("N,left_square_bracket", "prev_disagreement", "Prev", key_display="N/[", id="adjudicate.prev"),
        Binding("1,a", "take_gold", "Keep gold", key_display="1/a", id="adjudicate.gold"),
        Binding("2,b", "take_other", "Take other", key_display="2/b", id="adjudicate.other"),
        Binding("y", "accept", "Accept", id="adjudicate.accept"),
        Binding("x", "reject", "Reject", id="adjudicate.reject"),
        Binding("u,ctrl+z", "undo", "Undo", id="adjudicate.undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", id="adjudicate.redo"),
        Binding("greater_than_sign", "next_article", "Next article", id="adjudicate.next_article"),
        Binding("less_than_sign", "prev_article", "Prev article", id="adjudicate.prev_article"),
        Binding("ctrl+s", "save", "Save", id="adjudicate.save"),
        Binding("question_mark", "help", "Help", id="adjudicate.help"),
        Binding("q", "quit", "Quit", id="adjudicate.quit"),
    ]

    def __init__(
        self,
        articles: list[Adjudication],
        schema: Schema,
        *,
        notes: list[str] | None = None,
        workspaces: list[Workspace] | None = None,
        savers: list[Saver] | None = None,
    ) -> None:
        """Each article's gold is saved by a ``Saver`` of its workspace: the
        caller's (``savers``: the app's own, when adjudicating the article it has
        open) or one made here for each of ``workspaces``."""
        super().__init__()
        if not articles:
            raise ValueError("nothing to adjudicate")
        if savers is None and (workspaces is None or len(workspaces) != len(articles)):
            raise ValueError("one workspace (or saver) per article")
        if savers is not None and len(savers) != len(articles):
            raise ValueError("one saver per article")
        self.articles = articles
        self.schema = schema
        self.index = 0
        self.current: Disagreement | None = None
        self.message = "; ".join(notes or [])
        self._status_text = ""
        self._details_text = ""
        self._painted: tuple[int, int] | None = None  # (article, revision) the overlays show
        self._entries_painted: dict[Disagreement, list] = {}
        # saving (the gold file only), through each article's workspace
        #: savers made here stop with the screen; the caller's go on
        self._own_savers = savers is None
        self.savers: list[Saver] = list(savers) if savers is not None else [
            textual_saver(self, ws) for ws in workspaces or ()
        ]
        for saver in self.savers:
            saver.listeners.append(self._save_state)
        for adj in articles:
            adj.session.listeners.append(self._on_session_change)

    # -- layout ---------------------------------------------------------------------
    @property
    def adj(self) -> Adjudication:
        return self.articles[self.index]

    @property
    def session(self) -> Session:
        return self.adj.session

    @property
    def saver(self) -> Saver:
        return self.savers[self.index]

    @property
    def save_error(self) -> str | None:
        return self.saver.error

    def compose(self) -> ComposeResult:
        with SideBySide(id="main"):
            yield self._make_view()
            with Vertical(id="side") as side:
                side.display = self.app.size.width >= SIDE_MIN_WIDTH
                yield Static(id="adj-details", markup=False)
                yield Static(Content(self.legend()), id="adj-legend")
        yield StatusLine(id="status", markup=False)
        yield KeyFooter()

    def _make_view(self) -> ArticleView:
        view = LayeredArticleView(self.session.text, self.session.marks, slot_of=self.schema.slot, id="article")
        view.on_cursor = self._cursor_moved
        return view

    @property
    def view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    def on_mount(self) -> None:
        self.view.focus()
        self._show_article()

    def _show_article(self) -> None:
        self.query_one("#adj-legend", Static).update(Content(self.legend()))
        self.refresh_bindings()
        first = self.adj.next_open(None)
        if first is not None:
            self.goto(first)
        else:
            self.set_current(None)
        self.refresh_status()

    # -- painting ---------------------------------------------------------------------
    def _entries(self, d: Disagreement) -> list[tuple[str, tuple[int, int]]]:
        """The (component class, characters) a disagreement is drawn with."""
        if d.kind in (SPURIOUS, CANDIDATE):
            spans = [d.pred_span]
        elif d.kind in (PARTIAL, ARGUMENT, PART):
            spans = [d.gold_span, d.pred_span]
        else:
            spans = [d.gold_span]
        frags = [f for sp in spans if sp is not None for f in sp.fragments if f[1] > f[0]]
        out = [(LAYER_OF[d.kind], f) for f in frags]
        if d.kind != MATCH and not self.adj.is_open(d):
            out += [(RESOLVED, f) for f in frags]
        return out

    def audit_layers(self) -> dict[str, list[tuple[int, int]]]:
        """Every comparison as character ranges, by component class (the current one last)."""
        out: dict[str, list[tuple[int, int]]] = {name: [] for name in LAYER_OF.values()}
        out[RESOLVED] = []
        for d in self.adj.all:
            for name, f in self._entries(d):
                out[name].append(f)
        out[CURRENT] = self._current_ranges()
        return out

    def _current_ranges(self) -> list[tuple[int, int]]:
        d = self.current
        return [] if d is None else sorted({f for sp in (d.gold_span, d.pred_span) if sp is not None for f in sp.fragments})

    def sync(self) -> None:
        """Bring the overlays up to date with the adjudication: only what the last
        decision (or undo) changed is repainted."""
        adj = self.adj
        state = (self.index, adj.revision)
        if self._painted == state:
            return
        if self._painted is None or self._painted != (self.index, adj.revision - 1):
            self.view.set_layers(self.audit_layers())
        else:
            by_layer: dict[str, tuple[list, list]] = {}
            for d in adj.delta.removed:
                for name, f in self._entries_painted.pop(d, ()):
                    by_layer.setdefault(name, ([], []))[0].append(f)
            for d in adj.delta.added:
                entries = self._entries_painted[d] = self._entries(d)
                for name, f in entries:
                    by_layer.setdefault(name, ([], []))[1].append(f)
            for name, (gone, new) in by_layer.items():
                self.view.update_layer(name, gone, new)
            self._painted = state
            return
        self._entries_painted = {d: self._entries(d) for d in adj.all}
        self._painted = state

    # -- side panel and status ----------------------------------------------------------
    def refresh_side(self) -> None:
        adj = self.adj
        d = self.current
        if d is None:
            text = (
                f"{adj.name}: nothing left to decide here.\n"
                + (f"{self.key('adjudicate.next_article')} next article, {self.key('adjudicate.prev_article')} previous; "
                   if len(self.articles) > 1 else "")
                + f"{self.key('adjudicate.undo')} undoes; {self.key('adjudicate.quit')} saves and quits."
            )
        else:
            is_open = adj.is_open(d)
            n = adj.position(d)
            where = f"{n + 1} of {len(adj.open)} open" if n is not None else ("settled" if not is_open else "")
            p = adj.pred_entity(d)
            lines = [f"{name_of(d).upper()}   {where}", ""]
            if d.kind == CANDIDATE:
                lines += _candidate_lines(adj.session.aset, d.pred_id)
                lines += [short(x, 42) for x in adj.who(d).split("; ") if x]
            else:
                gl, pl = d.gold_label, d.pred_label
                if d.kind == ARGUMENT:
                    ev = adj.gold_annotation(d)
                    lines.append(f"event  {ev.type if ev else ''} {d.gold_id} {short(ev.trigger.text, 20) if ev else ''!r}")
                lines += [
                    *_side_lines("gold", d.gold_span, gl, d.gold_id),
                    *_side_lines("other", d.pred_span, pl, d.pred_id),
                ]
            if p is not None and d.kind != CANDIDATE:
                src = adj.source_of(p)
                lines.append(" " * 7 + ", ".join(x for x in (f"by {src}" if src else "", p.status) if x))
            lines.append("")
            if is_open and d.kind == CANDIDATE:
                take = f"{self.key('adjudicate.accept')}/{self.key('adjudicate.other')}"
                reject = f"{self.key('adjudicate.reject')}/{self.key('adjudicate.gold')}"
                lines += [f"{take}  " + adj.describe_take_other(d), f"{reject}  reject " + str(d.pred_id)]
            elif is_open:
                rejects = adj.same and p is not None and p.status == SUGGESTED
                lines += [
                    f"{self.keys_shown('adjudicate.gold')}  keep gold" + (f" (reject {p.id})" if rejects else ""),  # type: ignore[union-attr]
                    f"{self.keys_shown('adjudicate.other')}  take the other side:",
                    "     " + adj.describe_take_other(d),
                ]
            else:
                lines.append(f"decided; {self.key('adjudicate.undo')} undoes")
            text = "\n".join(lines)
        if text != self._details_text:
            self._details_text = text
            self.query_one("#adj-details", Static).update(Content(text), layout=False)

    def refresh_status(self) -> None:
        adj = self.adj
        counts = adj.counts()
        layers = adj.layer_counts()
        if adj.merged:
            left = " · ".join(f"{PLURAL[layer]} {layers[layer]}" for layer in LAYERS if layers[layer]) or "none"
            left = f"candidates {len(adj.open)} ({left})"
        else:
            others = [f"{PLURAL[layer]} {layers[layer]}" for layer in LAYERS if layer != ENTITY and layers[layer]]
            kinds = [k for k in OPEN_KINDS if counts[k] or not others]  # with other layers: no zeros
            left = " · ".join([*(f"{KIND_NAMES[k]} {counts[k]}" for k in kinds), *others])
        settled = adj.settled_count()
        if self.save_error:
            saved = f"NOT SAVED ({self.saver.reason or self.save_error})"
        else:
            saved = "unsaved" if self.session.dirty else "saved"
        where = f"{self.index + 1}/{len(self.articles)} " if len(self.articles) > 1 else ""
        done = f"{settled} decided" if adj.merged else f"{adj.matches()} match, {settled} settled"
        line = f" {where}{adj.name}  left: {left}  ({done})  [{saved}]"
        if self.message:
            line += f"  {self.message}"
        if line != self._status_text:
            self._status_text = line
            self.query_one("#status", StatusLine).update(line, layout=False)

    def legend(self) -> str:
        """The legend under the side panel (a merged gold's names its keys)."""
        if not self.adj.merged:
            return LEGEND
        return MERGED_LEGEND.format(accept=self.key("adjudicate.accept"), reject=self.key("adjudicate.reject"))

    def key(self, binding_id: str) -> str:
        """The first key of ``binding_id`` now (the keymap's), as a hint names it."""
        return key_for(self.app, binding_id, AdjudicateScreen)

    def keys_shown(self, binding_id: str) -> str:
        """Every key of ``binding_id`` now, as the side panel lists them (``1/a``)."""
        return "/".join(prose(k) for k in keys_for(self.app, binding_id, AdjudicateScreen)) or self.key(binding_id)

    def say(self, message: str) -> None:
        self.message = message
        self.refresh_status()

    # -- moving ----------------------------------------------------------------------
    def goto(self, d: Disagreement) -> None:
        """Make ``d`` the current disagreement and put the cursor on it."""
        self.set_current(d)
        self.view.move_to(d.start)

    def set_current(self, d: Disagreement | None) -> None:
        self.current = d
        self.sync()
        self.view.set_layer(CURRENT, self._current_ranges())
        self.refresh_side()

    def _on_current(self) -> bool:
        """Is the cursor token on the current disagreement?"""
        d = self.current
        s, e = self.view.cursor_token
        return d is not None and d.start < max(e, s + 1) and s < d.end

    def _cursor_moved(self, offset: int) -> None:
        """A move off the current disagreement makes the one under the cursor current."""
        d = self.current
        if self._on_current():
            return
        s, e = self.view.cursor_token
        found = None
        for x in range(s, max(e, s + 1)):
            found = self.adj.open_at(x)
            if found is not None:
                break
        if found is not None and found is not d and self.is_attached:
            self.set_current(found)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        message.stop()  # handled through on_cursor; not for an app underneath

    def on_article_view_selection_changed(self, message: ArticleView.SelectionChanged) -> None:
        message.stop()

    def _from(self) -> tuple:
        """Where n/N count from: the current disagreement, or the cursor if it left it
        (``(offset, -1)`` sorts before every disagreement starting at the offset)."""
        if self.current is not None and self._on_current():
            return order_of(self.current)
        return (self.view.cursor, -1)

    def _move(self, forward: bool) -> None:
        adj = self.adj
        if not adj.open:
            self.say("no open disagreement here" + (f"; {self.key('adjudicate.next_article')} goes to the next article" if len(self.articles) > 1 else ""))
            return
        d = adj.next_open(self._from(), forward)
        assert d is not None
        self.goto(d)
        self.say("")

    def action_next_disagreement(self) -> None:
        self._move(True)

    def action_prev_disagreement(self) -> None:
        self._move(False)

    # -- deciding ------------------------------------------------------------------------
    def _decide(self, take_other: bool) -> None:
        adj = self.adj
        d = self.current
        if d is None or not adj.is_open(d):
            self.say(f"no open disagreement selected: {self.key('adjudicate.next')} goes to the next")
            return
        decision = adj.take_other(d) if take_other else adj.take_gold(d)
        if decision is None:
            return
        nxt = adj.next_open(decision.order)
        if nxt is None:
            self.set_current(None)
            self.say(decision.label + ": all settled in this article" + (f" ({self.key('adjudicate.next_article')} next article)" if len(self.articles) > 1 else ""))
        else:
            self.goto(nxt)
            self.say(decision.label)

    def action_take_gold(self) -> None:
        self._decide(False)

    def action_take_other(self) -> None:
        self._decide(True)

    def action_accept(self) -> None:
        """y: accept a candidate (elsewhere: take the other side)."""
        self._decide(True)

    def action_reject(self) -> None:
        """x: reject a candidate (elsewhere: keep gold)."""
        self._decide(False)

    def _after_undo(self, decision: Decision, verb: str) -> None:
        adj = self.adj
        d = adj.find(decision.key)
        if d is None or not adj.is_open(d):
            d = adj.next_open(decision.order)
        if d is not None:
            self.goto(d)
        else:
            self.set_current(None)
        self.say(f"{verb}: {decision.label}")

    def action_undo(self) -> None:
        decision = self.adj.undo()
        if decision is None:
            self.say("nothing to undo")
            return
        self._after_undo(decision, "undid")

    def action_redo(self) -> None:
        decision = self.adj.redo()
        if decision is None:
            self.say("nothing to redo")
            return
        nxt = self.adj.next_open(decision.order)
        if nxt is not None:
            self.goto(nxt)
        else:
            self.set_current(None)
        self.say(f"redid: {decision.label}")

    # -- articles -----------------------------------------------------------------------------
    async def _switch(self, index: int) -> None:
        if not 0 <= index < len(self.articles):
            self.say("no more articles that way")
            return
        self.save_now()
        self.index = index
        self.current = None
        self._painted = None  # a new view: nothing painted yet
        await self.view.remove()
        new = self._make_view()
        await self.query_one("#main", Horizontal).mount(new, before="#side")
        new.focus()
        self.message = ""
        self._show_article()

    async def action_next_article(self) -> None:
        await self._switch(self.index + 1)

    async def action_prev_article(self) -> None:
        await self._switch(self.index - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_article", "prev_article") and len(self.articles) < 2:
            return False  # hidden from the footer with one article
        if action in ("accept", "reject") and not self.adj.merged:
            return False  # a merged gold's keys
        return True

    # -- change plumbing and saving ---------------------------------------------------------------
    def _on_session_change(self, report: ChangeReport) -> None:
        if not self.is_attached:
            return
        self.view.invalidate(report.ranges)
        self.schedule_save()

    def schedule_save(self) -> None:
        self.saver.changed()

    def _save_state(self, _what: str) -> None:
        if self.is_attached:
            self.refresh_status()

    def save_now(self) -> bool:
        """Save the current article's gold file on the UI thread (ctrl+s, q, switching)."""
        ok = self.saver.save_now()
        self.refresh_status()
        return ok

    def action_save(self) -> None:
        if self.save_now():
            self.say(f"saved {self.session.yaml_path}")

    def save_all(self) -> bool:
        """Save every article's gold file on the UI thread, the current one first
        (q; SIGTERM and SIGHUP: ``tui.terminated``); False, and the status line
        says why, at the first that fails."""
        if not self.save_now():
            self.say(quit_hint(self.key("adjudicate.quit")))
            return False
        for saver in self.savers:
            if not saver.save_now():
                self.say(f"{saver.workspace.yaml_path.name}: {quit_hint(self.key('adjudicate.quit'))}")
                return False
        return True

    def action_quit(self) -> None:
        if not self.save_all():
            return
        self._let_go()
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.dismiss(0)
        else:
            self.app.exit(0)

    def _let_go(self) -> None:
        """Stop listening to the sessions and saving (they may stay open: the app's)."""
        for adj in self.articles:
            if self._on_session_change in adj.session.listeners:
                adj.session.listeners.remove(self._on_session_change)
        for saver in self.savers:
            if self._save_state in saver.listeners:
                saver.listeners.remove(self._save_state)
            if self._own_savers:
                saver.stop()

    # -- help -------------------------------------------------------------------------------------
    def key_table(self) -> list[tuple[str, str]]:
        """Every key and what it does, from the live bindings (so remaps show)."""
        keys: dict[str, list[str]] = {}
        first: dict[str, Binding] = {}
        for key, active in self.active_bindings.items():
            b = active.binding
            name = b.id or f"action:{b.action}"
            first.setdefault(name, b)
            keys.setdefault(name, []).append(self.app.get_key_display(replace(b, key_display=None)))
        return [(" ".join(ks), first[name].description or first[name].action) for name, ks in keys.items()]

    def action_help(self) -> None:
        keys: dict[str, list[str]] = {}  # every binding of the view, as the keymap made them
        mine = self._bindings.copy()
        if self.app._keymap:
            mine.apply_keymap(self.app._keymap)
        for key, bindings in mine.key_to_bindings.items():
            for b in bindings:
                if b.id is not None:
                    keys.setdefault(b.id, []).append(key)
        self.app.push_screen(AdjudicationHelp(self.key_table(), help_intro(keys, HELP_INTRO)))


class AdjudicateApp(KeyGateMixin, RemapDisplayMixin, App[int]):
    """``annotator audit GOLD PRED --view``: the adjudication screen on its own."""

    TITLE = "annotator audit"
    CSS_PATH = styles_path()

    def __init__(
        self, articles: list[Adjudication], schema: Schema, *, workspaces: list[Workspace], notes: list[str] | None = None
    ) -> None:
        """``workspaces``: the gold files, open (locked) for writing, one per
        article; closed when the app ends (saved on q; ctrl+q leaves the unsaved
        decisions in their journals)."""
        super().__init__()
        self.articles = articles
        self.schema = schema
        self.workspaces = workspaces
        self.notes = list(notes or [])

    def get_default_screen(self) -> Screen:
        return AdjudicateScreen(self.articles, self.schema, notes=self.notes, workspaces=self.workspaces)

    def on_mount(self) -> None:
        self._unhandle_signals = quit_on(self._terminated)
        self.call_after_refresh(start_paint_timer, self.screen)  # (the first key's repaint)

    def _terminated(self, signum: int) -> None:
        """SIGTERM or SIGHUP (``tui.terminated``): every gold file saved as on q,
        then exit 128 + the signal's number; one whose save fails keeps its
        decisions in its journal."""
        self.adjudication.save_all()
        self.close_workspaces(save=False)  # (saved: each lets go of its lock)
        self.exit(exit_status(signum), return_code=exit_status(signum))

    #: undoes on_mount's ``quit_on`` (nothing before it)
    _unhandle_signals = staticmethod(lambda: None)

    def on_unmount(self) -> None:
        self._unhandle_signals()
        self.close_workspaces(save=False)

    def close_workspaces(self, *, save: bool) -> None:
        for ws in self.workspaces:
            ws.close(save=save)

    @property
    def adjudication(self) -> AdjudicateScreen:
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        assert isinstance(screen, AdjudicateScreen)
        return screen


__all__ = ["AdjudicateApp", "AdjudicateScreen", "LAYER_OF", "RESOLVED", "CURRENT"]
