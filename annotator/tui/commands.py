"""The command palette: every action of the app, and one command per label."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keymap import keys_for


class ActionsProvider(Provider):
    """Lists every key binding's action (with its key) and a tag command per label."""

    def _commands(self):
        app = self.app
        table = getattr(app, "key_table", None)
        if table is None:
            return
        from .article_view import ArticleView

        # The keys as they are now (the user's keymap applied), by binding id, as
        # the footer shows them: the help's list (``live_bindings``), read under
        # the palette as before it opened.
        live = {b.id or f"action:{b.action}": keys for b, keys in app.live_bindings()} if hasattr(app, "live_bindings") else {}

        def shown_keys(binding) -> str:
            keys = live.get(binding.id or f"action:{binding.action}")
            if not keys and binding.id is not None:  # (on no screen on show)
                keys = [app.get_key_display(Binding(k, "")) for k in keys_for(app, binding.id)]
            return " ".join(keys) if keys else app.get_key_display(binding)

        seen = set()
        for binding in [*ArticleView.BINDINGS, *app.BINDINGS]:
            if isinstance(binding, tuple):
                continue
            if binding.action.startswith("label("):
                continue
            name = binding.description or binding.action.replace("_", " ")
            if name in seen:
                continue
            seen.add(name)
            target = app if binding in app.BINDINGS else None
            yield name, f"key: {shown_keys(binding)}", partial(self._run, binding.action, target)
        for lab in app.schema.entities:
            yield (
                f"Label as {lab.name}",
                f"key: {' '.join(live.get(f'label_{lab.key}') or [lab.key or ''])}  {lab.description}",
                partial(self._run, f"label({lab.key})", app),
            )
        yield (
            "Audit this article against another file…",
            "adjudicate: each disagreement in turn, keep this side or take the other (empty: its suggestions)",
            self._audit,
        )
        for lab in app.schema.entities:
            yield (
                f"Accept all pending {lab.name} suggestions…",
                "at or above a score you give; one undo step",
                partial(self._accept_all, lab.name),
            )

    async def _audit(self) -> None:
        from .screens import AskText

        app = self.app

        def done(path: str | None) -> None:
            if path is not None:
                app.run_worker(app.adjudicate(path or None), exclusive=True, group="adjudicate")

        app.push_screen(
            AskText("Other annotation file (YAML) to compare this article with; empty: its own suggestions", "path"),
            done,
        )

    async def _accept_all(self, label: str) -> None:
        from .screens import AskNumber

        app = self.app

        def done(score: float | None) -> None:
            if score is not None:
                app.accept_all(label, score)

        app.push_screen(AskNumber(f"Accept pending {label} suggestions with a score of at least:", 0.5), done)

    async def _run(self, action: str, target) -> None:
        app = self.app
        if target is None:
            view = app.query_one("#article")
            await view.run_action(action)
        else:
            await app.run_action(action)

    def candidates(self) -> list[tuple[str, str, object]]:
        """Every command, for QuickPalette (which matches them itself, once per open)."""
        return list(self._commands() or ())

    async def discover(self) -> Hits:
        for name, help_text, cb in self._commands() or ():
            yield DiscoveryHit(name, cb, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, cb in self._commands() or ():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), cb, help=help_text)
