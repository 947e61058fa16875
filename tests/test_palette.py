"""The command palette (QuickPalette): the commands are gathered once per open and
matched as you type; what it lists is what Textual's own fuzzy matcher ranks
first, the best hits that fit, and a last row saying how many more there are."""

from textual.command import Command, Hit, Hits, Provider
from textual.fuzzy import Matcher

from annotator.tui.commands import ActionsProvider
from annotator.tui.palette import QuickPalette, _QuickCommandList

SIZE = (120, 40)


def listed(app) -> list[str]:
    """The names of the commands the palette lists now, top to bottom."""
    lst = app.screen.query_one(_QuickCommandList)
    return [o.hit.text for o in lst.options if isinstance(o, Command)]


def more_row(app) -> str | None:
    lst = app.screen.query_one(_QuickCommandList)
    rows = [str(o.prompt) for o in lst.options if not isinstance(o, Command)]
    return rows[-1] if rows else None


def reference(app, query: str) -> list[str]:
    """Every command's name ranked by Textual's Matcher, as its palette ranks hits
    (best score first; ties in the order the commands are listed)."""
    palette = app.screen
    names = [c.name for c in palette._all]
    matcher = Matcher(query)
    scored = [(matcher.match(n), i, n) for i, n in enumerate(names)]
    return [n for s, i, n in sorted((x for x in scored if x[0] > 0), key=lambda x: (-x[0], x[1]))]


async def test_typing_lists_what_textuals_matcher_ranks_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, QuickPalette)
        for typed in ["l", "la", "lab", "labe", "label", "label ", "label o", "labe", "l", "x", "xq", ""]:
            inp = app.screen.query_one("CommandInput")
            while inp.value != typed:
                if typed.startswith(inp.value):
                    await pilot.press(typed[len(inp.value)] if typed[len(inp.value)] != " " else "space")
                else:
                    await pilot.press("backspace")
            if not typed.strip():
                continue
            want = reference(app, typed.strip())
            got = listed(app)
            assert got == want[: len(got)], typed
            assert got or not want, typed
            if len(got) < len(want):
                assert more_row(app) == f"… {len(want) - len(got)} more: type to narrow", typed
            else:
                assert more_row(app) is None, typed


async def test_commands_are_gathered_once_per_open(make_app, monkeypatch):
    calls = []
    original = ActionsProvider._commands

    def counted(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(ActionsProvider, "_commands", counted)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"label as", "backspace", "backspace", "g")
        await pilot.pause()
        assert listed(app)[0] == "Label as GPE"
        assert len(calls) == 1
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        assert len(calls) == 2  # a new palette asks again (a remap shows)


async def test_empty_query_lists_what_fits_and_says_how_many_more(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        discover = [c.name for c in palette._all if c.discover]
        got = listed(app)
        assert got == discover[: len(got)]
        assert got[0] == "Next token"
        lst = palette.query_one(_QuickCommandList)
        rows = sum(2 if o.hit.help else 1 for o in lst.options if isinstance(o, Command)) + 1
        assert rows <= lst.scrollable_content_region.height  # nothing listed is out of sight
        assert more_row(app) == f"… {len(discover) - len(got)} more: type to narrow"


async def test_down_and_enter_run_the_second_hit(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Reuters", "enter")
        await pilot.press("ctrl+p", *"label as", "down")
        assert listed(app)[1] == "Label as ORG"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, QuickPalette)
        assert [(e.label, e.text) for e in app.session.aset.entities.values()] == [("ORG", "Reuters")]


async def test_no_match_then_a_match_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"zzqq")
        await pilot.pause(0.7)  # Textual says "No matches found" after half a second
        lst = app.screen.query_one(_QuickCommandList)
        assert not listed(app) and [o.id for o in lst.options] == [app.screen._NO_MATCHES]
        await pilot.press(*["backspace"] * 4, *"undo")
        await pilot.pause()
        assert listed(app)[0] == "Undo"


class _OnlySearch(Provider):
    """A provider the palette cannot list: Textual's own search runs for it."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in ("Alpha command", "Beta command"):
            if matcher.match(name) > 0:
                yield Hit(matcher.match(name), matcher.highlight(name), lambda: None, text=name)


async def test_a_provider_without_candidates_keeps_textuals_search(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(QuickPalette(providers=[_OnlySearch]))
        await pilot.pause()
        await pilot.press(*"beta")
        await pilot.pause(0.5)
        assert app.screen._all is None
        assert listed(app) == ["Beta command"]


async def test_the_theme_command_lists_themes_in_the_same_palette(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"theme", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuickPalette)
        assert app.screen._all is not None  # listed once, matched as you type
        await pilot.press(*"nord")
        assert listed(app)[0] == "nord"
        assert listed(app) == reference(app, "nord")[: len(listed(app))]
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"


async def test_rows_are_what_optionlist_measures_and_draws(make_app):
    """The list's row map (heights known without measuring) and the rows it keeps
    across keystrokes are what Textual's OptionList measures and draws afresh."""
    from textual.widgets import OptionList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        for key in ["l", "a", "b", "backspace", "backspace", "q", "backspace", "backspace", "r", "e"]:
            await pilot.press(key)
            await pilot.pause()
            lst = app.screen.query_one(_QuickCommandList)
            ours = [lst.render_line(y).text for y in range(lst.scrollable_content_region.height)]
            ours_lines = list(lst._line_cache.lines)
            heights = dict(lst._line_cache.heights)
            # Textual's own: every option measured, every row drawn anew
            lst._line_cache.clear()
            lst._option_render_cache.clear()
            lst._placed.clear()
            lst._parts.clear()
            lst._filled = None
            OptionList._update_lines(lst)
            assert list(lst._line_cache.lines) == ours_lines, key
            assert dict(lst._line_cache.heights) == heights, key
            fresh = [
                OptionList._get_option_render(lst, o, lst.get_visual_style("option-list--option"))
                for o in lst.options
            ]
            assert [len(f) for f in fresh] == [heights[i] for i in range(len(lst.options))], key
            textual_rows = [fresh[i][k].text for i, k in ours_lines][: len(ours)]
            assert ours[: len(textual_rows)] == textual_rows, key
            assert [lst.render_line(y).text for y in range(lst.scrollable_content_region.height)] == ours, key


async def test_marked_rows_render_as_content_renders_them(make_app):
    """A hit's name with its matched characters is drawn without Content.render
    (palette._marked_segments): the same segments as Content.render_segments, for
    every command the palette lists and the highlight Textual's matcher gives it."""
    from textual.content import Content
    from textual.style import Style

    from annotator.tui.palette import _marked_segments

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        lst = palette.query_one(_QuickCommandList)
        bases = [Style.null(), lst.get_visual_style("option-list--option"),
                 lst.get_visual_style("option-list--option", "option-list--option-highlighted")]
        checked = 0
        for query in ["l", "la", "label", "lo", "gpe", "sa", "th", "q", "e o", "keys", "xz"]:
            matcher = Matcher(query, match_style=palette._match_style())
            for c in palette._all:
                offsets = palette._offsets(matcher, c.name)
                name = palette._name_content(c.name)
                for offset in offsets:
                    name = name.stylize(palette._match_style(), offset, offset + 1)
                for base in bases:
                    got = _marked_segments(name, base)
                    if offsets and not palette._name_content(c.name).spans:
                        assert got == name.render_segments(base), (query, c.name)
                        checked += 1
                    elif got is not None:
                        assert got == name.render_segments(base), (query, c.name)
        assert checked > 100
        # anything else is left to Content
        mark = palette._match_style()
        assert _marked_segments(Content("abc"), bases[1]) is None
        assert _marked_segments(Content("abc").stylize(mark, 0, 2), bases[1]) is None
        assert _marked_segments(Content("abc").stylize(mark, 0, 1).stylize("bold", 2, 3), bases[1]) is None
        both = Content("abc").stylize(mark, 2, 3).stylize(mark, 0, 1)
        assert _marked_segments(both, bases[1]) == both.render_segments(bases[1])


async def test_the_lists_rows_are_what_stylescache_draws(make_app):
    """The list's _RowsCache hands the rows between its border rows on as they are
    drawn: every line of the list the same as Textual's StylesCache draws it, as
    you type and move, and the short way taken for the rows of hits."""
    from textual._styles_cache import StylesCache
    from textual.geometry import Region

    from annotator.tui.palette import _RowsCache

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        lst = app.screen.query_one(_QuickCommandList)
        assert isinstance(lst._styles_cache, _RowsCache)
        for key in ("", "l", "a", "down", "down", "b", "backspace", "x", "backspace", "backspace"):
            if key:
                await pilot.press(key)
            await pilot.pause()
            crop = Region(0, 0, *lst.size)
            ours = _RowsCache()
            plain = []
            render_line = ours.render_line

            def spy(styles, y, *args):
                plain.append(ours._plain is not None)
                return render_line(styles, y, *args)

            ours.render_line = spy
            lst._update_lines()
            mine = ours.render_widget(lst, crop)
            theirs = StylesCache().render_widget(lst, crop)
            assert [list(s) for s in mine] == [list(s) for s in theirs], key
            assert [s.cell_length for s in mine] == [s.cell_length for s in theirs], key
            assert plain and all(plain), key


def palette_help(app) -> dict[str, str]:
    """Each command the open palette has, with its help line (the keys)."""
    return {c.name: c.help for c in app.screen._all}


async def test_the_open_palette_shows_the_keys_of_the_keymap_as_the_footer_does(make_app):
    """Opened, the palette is a modal screen on top, under which the app turns its
    own keys off; it listed their declared keys then ("key: u,ctrl+z", "key: slash")."""
    app = make_app(keymap={"find": "f", "undo": "z,ctrl+z", "attribution": "w", "label_1": "p", "delete": "X"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, QuickPalette)
        helps = palette_help(app)
        assert helps["Find"] == "key: f"
        assert helps["Undo"] == "key: z ^z"
        assert helps["Attribution"] == "key: w"
        assert helps["Delete"] == "key: X"
        assert helps["Redo"] == "key: ^r ^y"  # not remapped: as the footer shows it
        assert helps["Label as PER"].startswith("key: p ")
        assert helps["Next token"] == "key: → l"


async def test_the_open_palette_shows_the_default_keys_without_a_keymap(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        helps = palette_help(app)
        assert helps["Find"] == "key: /"
        assert helps["Undo"] == "key: u ^z"
        assert helps["Attribution"] == "key: a"
        assert helps["Delete"] == "key: x del"
        assert helps["Label as PER"].startswith("key: 1 ")
        assert helps["Sentence end"] == "key: )"
