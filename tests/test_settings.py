"""Settings: annotator.toml here, then the user's config.toml; keymap, theme, name, folders (issue 14.1)."""

import json
import os

import pytest

from annotator import cli, settings
from annotator.errors import InputError

SIZE = (120, 36)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A working folder and a user config folder of our own."""
    work = tmp_path / "work"
    work.mkdir()
    cfg = tmp_path / "cfg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cfg))
    monkeypatch.chdir(work)
    return work, cfg / "annotator" / "config.toml"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_user_file_then_local_file_key_by_key(env):
    work, user = env
    write(user, 'theme = "nord"\nannotator = "maria"\n[keymap]\nfind = "f"\nundo = "z"\n')
    write(work / "annotator.toml", 'annotator = "team"\nschema = "s/schema.yaml"\n[keymap]\nfind = "ctrl+f"\n')
    s = settings.load()
    assert (s.theme, s.annotator) == ("nord", "team")
    assert s.keymap == {"find": "ctrl+f", "undo": "z"}
    assert s.schema.resolve() == work / "s" / "schema.yaml"  # relative to the file it is in
    assert [f.resolve() for f in s.files] == [user, work / "annotator.toml"]
    assert s.line_of("keymap.find") == "annotator.toml:4"
    assert s.line_of("keymap.undo") == f"{user}:5"


def test_no_files_no_settings(env):
    s = settings.load()
    assert (s.keymap, s.theme, s.annotator, s.schema, s.annotations, s.files) == ({}, None, None, None, None, [])


def test_xdg_default_is_dot_config(tmp_path):
    assert settings.user_config_path({"HOME": str(tmp_path)}) == tmp_path / ".config" / "annotator" / "config.toml"
    assert settings.user_config_path({"XDG_CONFIG_HOME": "/x", "HOME": "/h"}).as_posix() == "/x/annotator/config.toml"


@pytest.mark.parametrize(
    "text, line, words",
    [
        ('theme = "nord"\n[keymap\nfind = "f"\n', 2, "TOML syntax"),
        ('theme = 3\n', 1, "theme must be a string, not a number"),
        ('\n\ncolour = "red"\n', 3, "unknown setting 'colour'"),
        ('[keymap]\nfind = ["f"]\n', 2, "keymap.find must be a string"),
        ('keymap = "f"\n', 1, "keymap must be a table"),
        ('annotator = ""\n', 1, "annotator is empty"),
    ],
)
def test_bad_file_is_one_line_with_its_line(env, text, line, words):
    work, _ = env
    write(work / "annotator.toml", text)
    with pytest.raises(InputError) as err:
        settings.load()
    assert err.value.message.startswith(f"annotator.toml:{line}: ")
    assert words in err.value.message


def run_cli(argv, capsys):
    status = cli.main(argv)
    out, errs = capsys.readouterr()
    return status, out, errs


@pytest.mark.parametrize(
    "text, words",
    [
        ('[keymap]\nfindd = "f"\n', "unknown binding id 'findd' (did you mean find?)"),
        ('[keymap]\nfind = "l"\n', "'l' is bound to both find and article.next_token"),
        ('[keymap]\nundo = "r"\n', "'r' is bound to both undo and role"),
        ('theme = "no-such-theme"\n', "unknown theme 'no-such-theme'"),
        ("theme = 'nord\n", "TOML syntax"),
    ],
)
def test_bad_settings_exit_2_with_one_line(env, capsys, text, words):
    work, _ = env
    write(work / "annotator.toml", text)
    for argv in (["keys"], ["annotate", "nothing-here.txt"]):
        status, out, errs = run_cli(argv, capsys)
        assert status == 2
        lines = errs.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("annotator: annotator.toml:")
        assert words in lines[0]


@pytest.mark.parametrize(
    "keys, words",
    [
        ("Ctrl+Z", "undo: unknown key 'Ctrl+Z' (did you mean ctrl+z?)"),
        ("z,ctrl+fooo", "undo: unknown key 'ctrl+fooo'; key names look like"),
        ("shift+ctrl+up", "(did you mean ctrl+shift+up?)"),
        ("shift+a", "(did you mean A?)"),
        ("esc", "(did you mean escape?)"),
    ],
)
def test_a_key_textual_never_sends_is_one_line(env, capsys, keys, words):
    work, _ = env
    write(work / "annotator.toml", f'# mine\n[keymap]\nundo = "{keys}"\n')
    status, out, errs = run_cli(["keys"], capsys)
    assert status == 2
    lines = errs.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: annotator.toml:3: keymap: "), lines
    assert words in lines[0]


def test_keys_as_textual_names_them_are_accepted(env, capsys):
    work, _ = env
    write(work / "annotator.toml", '[keymap]\nundo = "ctrl+z,Z,exclamation_mark,ctrl+shift+up,f5,tilde,alt+left"\n')
    status, out, errs = run_cli(["keys"], capsys)
    assert status == 0, errs


@pytest.mark.parametrize(
    "text, line",
    [
        ('# my keys\n[keymap]\nfind = "f"\ncorpus.sort = "o"\n', 4),
        ('[keymap]\nfind = "f"\n\n[keymap.corpus]\nsort = "o"\n', 5),
        ('[keymap]\n"corpus.sort" = "o"\n', 2),
        ('keymap.corpus.sort = "o"\n', 1),
    ],
)
def test_a_dotted_binding_id_as_toml_writes_it(env, capsys, text, line):
    work, _ = env
    write(work / "annotator.toml", text)
    s = settings.load()
    assert s.keymap["corpus.sort"] == "o"
    assert s.line_of("keymap.corpus.sort") == f"annotator.toml:{line}"
    status, out, errs = run_cli(["keys", "--json"], capsys)
    assert status == 0, errs
    assert {r["id"]: r for r in json.loads(out)}["corpus.sort"]["keys"] == ["o"]
    write(work / "annotator.toml", text.replace('= "o"', '= 3'))
    with pytest.raises(InputError) as err:
        settings.load()
    assert err.value.message.startswith(f"annotator.toml:{line}: keymap.corpus.sort must be a string")


@pytest.mark.parametrize(
    "text, words",
    [
        ('[keymap]\nundo = "z,ctrl+p"\n', "'ctrl+p' is bound to both undo and the command palette; give undo another key"),
        ('[keymap]\nundo = "ctrl+c"\n', "'ctrl+c' is bound to both undo and Textual's own ctrl+c"),
        ('[keymap]\nundo = "ctrl+q"\n', "'ctrl+q' is bound to both undo and Textual's own quit"),
        ('[keymap]\n"corpus.sort" = "ctrl+p"\n', "'ctrl+p' is bound to both corpus.sort and the command palette"),
    ],
)
def test_a_remap_onto_the_apps_own_keys_is_a_clash(env, capsys, text, words):
    work, _ = env
    write(work / "annotator.toml", text)
    status, out, errs = run_cli(["keys"], capsys)
    assert status == 2
    lines = errs.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: annotator.toml:2: keymap: ") and words in lines[0], lines


@pytest.mark.parametrize("user_id, local_id", [("find", "label_1"), ("label_1", "find")])
def test_a_clash_between_the_two_files_is_blamed_on_the_one_read_last(env, capsys, user_id, local_id):
    work, user = env
    write(user, f'[keymap]\n{user_id} = "f"\n')
    write(work / "annotator.toml", f'# the team\'s\n[keymap]\n{local_id} = "f"\n')
    status, out, errs = run_cli(["keys"], capsys)
    assert status == 2
    assert errs.strip().splitlines() == [
        f"annotator: annotator.toml:3: keymap: 'f' is bound to both {local_id} and {user_id}"
        f" ({user_id} = \"f\" in {user}:2); give one of them another key"
    ]


def test_a_missing_schema_names_the_settings_line_that_set_it(env, capsys, seed_copy):
    work, user = env
    write(user, '# mine\nschema = "schemas/news.yaml"\n')
    missing = user.parent / "schemas" / "news.yaml"  # relative to the file it is in
    for argv in (["keys"], ["annotate", str(seed_copy)], ["validate", str(seed_copy)], ["status", str(seed_copy)]):
        status, out, errs = run_cli(argv, capsys)
        assert status == 2, argv
        assert errs.strip().splitlines() == [f"annotator: {user}:2: schema: no such schema file {missing}"], argv
    status, out, errs = run_cli(["status", str(seed_copy), "--schema", "nope.yaml"], capsys)
    assert errs.strip() == "annotator: nope.yaml: no such schema file"  # an option names itself


def test_swapping_two_keys_is_no_clash(env, capsys):
    work, _ = env
    write(work / "annotator.toml", '[keymap]\nfind_next = "N"\nfind_prev = "n"\n')
    status, out, _ = run_cli(["keys", "--json"], capsys)
    assert status == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["find_next"]["keys"] == ["N"] and rows["find_prev"]["keys"] == ["n"]


def test_keys_lists_every_binding_with_its_id(env, capsys):
    work, _ = env
    write(work / "annotator.toml", '[keymap]\nfind = "f,ctrl+f"\n')
    status, out, _ = run_cli(["keys"], capsys)
    assert status == 0
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.article_view import ArticleView

    for b in [*AnnotatorApp.BINDINGS, *ArticleView.BINDINGS]:
        assert f"  {b.id} " in out
    line = next(l for l in out.splitlines() if l.strip().startswith("find "))
    assert "f, ctrl+f" in line and "*" in line and "Find" in line
    assert "label_1" in out and "tag as PER" in out


def test_every_binding_of_the_app_has_an_id():
    from textual.binding import Binding

    from annotator.tui import keymap

    for context, classes in keymap.contexts().items():
        for cls in classes:
            for b in cls.__dict__.get("BINDINGS", []):
                assert isinstance(b, Binding) and b.id, f"{cls.__name__}: {b}"


def test_save_theme_is_atomic_and_keeps_the_rest(env):
    _, user = env
    write(user, '# my settings\nannotator = "maria"\ntheme = "nord"\n\n[keymap]\nfind = "f"\n')
    path = settings.save_theme("gruvbox")
    assert path == user
    text = user.read_text(encoding="utf-8")
    assert text == '# my settings\nannotator = "maria"\ntheme = "gruvbox"\n\n[keymap]\nfind = "f"\n'
    assert [p.name for p in user.parent.iterdir()] == ["config.toml"]  # no temporary left
    user.unlink()
    settings.save_theme("nord")
    assert user.read_text(encoding="utf-8") == 'theme = "nord"\n'


async def test_the_painted_footer_shows_the_users_keys_in_the_places_of_the_defaults(make_app):
    """Textual's set_keymap puts a remapped binding at the end of its node's
    bindings: the user's keys went after Quit, off the footer's end, and the
    footer showed only the keys left at their defaults."""
    from annotator.tui.footer import KeyFooter

    async def painted(app, size):
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return app.query_one(KeyFooter).render_line(0).text

    for size in ((80, 24), (120, 30)):
        default = await painted(make_app(), size)
        mine = await painted(make_app(keymap={"find": "f", "delete": "d", "undo": "z", "label_1": "p"}), size)
        assert " / Find " in default and " x Delete " in default and " u Undo " in default
        assert " f Find " in mine and " d Delete " in mine and " z Undo " in mine and " p 2-9 Label 1-9 " in mine
        assert "/ Find" not in mine and "u Undo" not in mine
        # the same keys in the same places, only their names changed
        names = {"f": "/", "d": "x", "z": "u"}
        assert [names.get(word, word) for word in mine.replace("p 2-9", "1-9").split()] == default.split()
    # the nine label keys on the footer's one entry: each label's own (it said p for all nine)
    letters = dict(zip((f"label_{d}" for d in range(1, 10)), "qwertyuio"))
    assert " q w e r t y u i o Label 1-9 " in await painted(make_app(keymap=letters), (160, 30))
    some = await painted(make_app(keymap={"label_5": "g"}), (160, 30))
    assert " 1-4 g 6-9 Label 1-9 " in some


def test_save_theme_writes_through_a_link_and_keeps_the_mode(env, tmp_path):
    _, user = env
    dotfiles = tmp_path / "dotfiles" / "config.toml"
    write(dotfiles, 'annotator = "maria"\n')
    dotfiles.chmod(0o644)
    user.parent.mkdir(parents=True)
    user.symlink_to(dotfiles)
    assert settings.save_theme("nord") == user
    assert user.is_symlink() and user.resolve() == dotfiles
    assert dotfiles.read_text(encoding="utf-8") == 'theme = "nord"\nannotator = "maria"\n'
    assert oct(dotfiles.stat().st_mode & 0o777) == oct(0o644)
    assert sorted(p.name for p in dotfiles.parent.iterdir()) == ["config.toml"]  # no temporary left
    dotfiles.chmod(0o640)
    settings.save_theme("gruvbox")
    assert oct(dotfiles.stat().st_mode & 0o777) == oct(0o640)


def test_a_new_settings_file_has_the_usual_mode(env):
    _, user = env
    old = os.umask(0o022)
    try:
        settings.save_theme("nord")
    finally:
        os.umask(old)
    assert oct(user.stat().st_mode & 0o777) == oct(0o644)


async def test_remap_shows_in_footer_help_and_palette_and_works(make_app):
    from annotator.tui.footer import KeyFooter
    from annotator.tui.screens import HelpScreen

    app = make_app(keymap={"find": "f", "label_1": "p", "undo": "z"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = {desc: shown for _key, shown, desc, _on in app.query_one(KeyFooter).items}
        assert footer["Find"] == "f" and footer["Undo"] == "z"
        assert footer["Label 1-9"] == "p 2-9"
        await pilot.press("slash")  # the old key does nothing now
        assert not app.find_bar.display
        await pilot.press("f", *"Iraq", "enter", "p")
        assert [(e.label, e.text) for e in app.session.aset.entities.values()] == [("PER", "Iraq")]
        await pilot.press("u")  # no longer undo
        assert len(app.session.aset.entities) == 1
        await pilot.press("z")
        assert len(app.session.aset.entities) == 0
        table = dict((d, k) for k, d in app.key_table())
        assert table["Find"] == "f" and table["label: PER (person)"] == "p" and table["Undo"] == "z"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-keys").content)
        assert any(l.startswith("f ") and l.rstrip().endswith("Find") for l in help_text.splitlines())
        await pilot.press("escape")
        from annotator.tui.commands import ActionsProvider

        provider = ActionsProvider(app.screen)
        helps = {name: help_text for name, help_text, _ in provider._commands()}
        assert helps["Find"] == "key: f" and helps["Label as PER"].startswith("key: p")


async def test_the_help_prose_teaches_the_keys_of_the_keymap(make_app):
    from annotator.tui.screens import HelpScreen

    app = make_app(keymap={"undo": "z", "event": "E", "find": "f", "cancel": "ctrl+g", "label_1": "p", "article.next_token": "w"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        intro = str(app.screen.query_one("#help-intro").content)
        for taught in ("z undoes, ctrl+r redoes", "press E, type", "E again changes", "ftext enter",
                       "ctrl+g drops the selection", "left/h, down/j, up/k, w (left, down, up, right)",
                       "A label's key (listed below) tags", "a label's key relabels", "z undoes the"):
            assert taught in intro, taught
        for stale in ("u undoes", "press e,", "/text", "esc drops", "h j k l", "A digit"):
            assert stale not in intro, stale


async def test_theme_from_settings_and_remembered_when_changed(make_app, env):
    _, user = env
    app = make_app(theme="nord", remember_theme=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert not user.exists()  # starting with a theme writes nothing
        app.theme = "gruvbox"  # what the palette's "Theme" command does
        await pilot.pause()
    assert settings.load().theme == "gruvbox"


async def test_theme_switched_from_the_palette_is_remembered(make_app, env):
    _, user = env
    app = make_app(remember_theme=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"theme", "enter")
        await pilot.pause()
        await pilot.press(*"solarized-l", "enter")
        await pilot.pause()
        assert app.theme == "solarized-light"
    assert settings.load().theme == "solarized-light"


async def test_a_remembered_theme_the_project_overrides_says_so(make_app, env):
    work, user = env
    write(work / "annotator.toml", 'theme = "gruvbox"\n')
    app = make_app(theme="gruvbox", remember_theme=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "dracula"  # what the palette's "Theme" command does
        await pilot.pause()
        assert app.message == f"theme dracula remembered, but annotator.toml sets gruvbox for this project (in {user})"
        app.theme = "gruvbox"  # the project's own: nothing to say
        await pilot.pause()
        assert app.message == f"theme gruvbox (remembered in {user})"
    assert 'theme = "gruvbox"' in user.read_text(encoding="utf-8")


def test_command_line_wins_over_the_file(env, capsys, monkeypatch, seed_copy):
    from annotator.tui.app import AnnotatorApp

    work, user = env
    write(user, 'annotator = "maria"\ntheme = "nord"\nannotations = "from-user"\n')
    write(work / "annotator.toml", 'annotations = "from-file"\n[keymap]\nfind = "f"\n')
    seen = {}

    def fake_run(self):
        seen.update(user=self.user, theme=self.theme, annotations=self.annotations_dir, keymap=dict(self._keymap))
        return 0

    monkeypatch.setattr(AnnotatorApp, "run", fake_run)
    assert cli.main([str(seed_copy)]) == 0
    assert seen == {"user": "maria", "theme": "nord", "annotations": settings.Path("from-file"), "keymap": {"find": "f"}}
    assert cli.main([str(seed_copy), "--annotator", "cli", "--theme", "dracula", "--annotations", "cli-dir"]) == 0
    assert (seen["user"], seen["theme"], seen["annotations"]) == ("cli", "dracula", settings.Path("cli-dir"))


from .test_adjudicate import files  # noqa: E402,F401  (the fixture)


async def test_remap_in_the_adjudication_screen(files):
    from .test_adjudicate import SIZE as ASIZE, here, make_app as make_adjudication, screen_of

    app = make_adjudication(*files)
    app.set_keymap({"adjudicate.next": "w"})
    async with app.run_test(size=ASIZE) as pilot:
        screen = screen_of(app)
        first = here(screen)
        await pilot.press("n")  # no longer next
        assert here(screen) == first
        await pilot.press("w")
        assert here(screen) != first
        table = dict((d, k) for k, d in screen.key_table())
        assert table["Next"] == "w"


def test_every_command_takes_schema_and_annotations_from_the_settings(env, capsys, seed_copy):
    """`schema` and `annotations` of annotator.toml mean the same to suggest, import, validate, export, status."""
    from annotator.schema import DEFAULT_SCHEMA_YAML

    work, _ = env
    # the news schema plus one label of the team's own
    write(work / "team.yaml", DEFAULT_SCHEMA_YAML.replace(
        "- {name: MISC, key: '8', description: anything else named}\n",
        "- {name: MISC, key: '8', description: anything else named}\n- {name: WEAPON, key: '9'}\n",
    ))
    write(work / "annotator.toml", 'schema = "team.yaml"\nannotations = "ours"\n')

    status, out, errs = run_cli(["suggest", str(seed_copy), "--with", "rules"], capsys)
    assert status == 0, errs
    made = work / "ours" / f"{seed_copy.stem}.yaml"
    assert made.is_file() and not (work / "annotations").exists()

    # a WEAPON entity is valid under the settings' schema, and only there
    text = made.read_text(encoding="utf-8")
    start = seed_copy.read_text(encoding="utf-8").index("Reuters")
    line = f"- {{id: T900, label: WEAPON, start: {start}, end: {start + 7}, text: Reuters, by: me}}\n"
    if "\nentities:\n" in text:
        text = text.replace("\nentities:\n", "\nentities:\n" + line, 1)
    else:
        text += "entities:\n" + line
    made.write_text(text, encoding="utf-8")
    status, out, errs = run_cli(["validate", str(made)], capsys)
    assert status == 0, errs
    status, out, errs = run_cli(["status", str(seed_copy), "--json"], capsys)
    assert status == 0 and json.loads(out)["annotations"] == "ours"
    status, out, errs = run_cli(["export", "--to", "jsonl", str(made), "-o", str(work / "out.jsonl")], capsys)
    assert status == 0, errs
    assert "WEAPON" in (work / "out.jsonl").read_text(encoding="utf-8")

    (work / "annotator.toml").write_text('annotations = "ours"\n', encoding="utf-8")
    status, out, errs = run_cli(["validate", str(made)], capsys)
    assert status == 2 and "WEAPON" in errs

    # import writes where the settings say
    brat = os.path.join(os.path.dirname(__file__), "fixtures", "brat", "example-data", "tutorials", "news")
    status, out, errs = run_cli(["import", "--from", "brat", brat, "--texts", str(work / "texts")], capsys)
    assert status == 0, errs
    assert "into ours/" in out
    assert {p.name for p in (work / "ours").glob("0*.yaml")} == {"000-introduction.yaml", "060-relation_annotation.yaml", "090-event_structures.yaml"}


def test_agree_merge_audit_read_with_the_settings_schema(env, capsys, seed_copy):
    """A label the settings' schema lacks is refused by agree, merge and audit; without the setting it is read."""
    from annotator.schema import DEFAULT_SCHEMA_YAML

    work, _ = env
    text = seed_copy.read_text(encoding="utf-8")
    start = text.index("Reuters")
    for who in ("a", "b"):
        folder = work / who
        folder.mkdir()
        (folder / f"{seed_copy.stem}.yaml").write_text(
            "format: annotator/1\n"
            f"document: {{path: {seed_copy}, length: {len(text)}}}\n"
            f"entities:\n- {{id: T1, label: WEAPON, start: {start}, end: {start + 7}, text: Reuters, by: {who}}}\n",
            encoding="utf-8",
        )
    def run(argv):
        return run_cli(argv, capsys)[::2]  # status, errors

    # no settings: agree and audit read any label; merge checks the gold with the news schema
    assert run(["agree", "a", "b", "--json"])[0] == 0
    assert run(["audit", "a", "b"])[0] == 0
    status, errs = run(["merge", "a", "b", "-o", "gold1"])
    assert status == 2 and "WEAPON" in errs
    # the settings' schema has WEAPON: the gold is merged with it
    write(work / "team.yaml", DEFAULT_SCHEMA_YAML.replace(
        "- {name: MISC, key: '8', description: anything else named}\n",
        "- {name: MISC, key: '8', description: anything else named}\n- {name: WEAPON, key: '9'}\n",
    ))
    write(work / "annotator.toml", 'schema = "team.yaml"\n')
    status, errs = run(["merge", "a", "b", "-o", "gold2"])
    assert status == 0, errs
    assert "WEAPON" in (work / "gold2" / f"{seed_copy.stem}.yaml").read_text(encoding="utf-8")
    # the settings' schema lacks WEAPON: agree and audit refuse the files
    write(work / "team.yaml", DEFAULT_SCHEMA_YAML)
    for argv in (["agree", "a", "b", "--json"], ["audit", "a", "b"]):
        status, errs = run(argv)
        assert status == 2 and "WEAPON" in errs, (argv, errs)


async def test_a_printable_key_mapped_onto_a_priority_binding_still_types_into_inputs(make_app):
    """next_suggestion = "tab,s" (a priority binding): every s typed into the find
    bar or a picker's filter went to the binding ("sources" was found as "ource"),
    since Textual drops the keys an input takes before it applies the keymap."""
    from annotator.tui.screens import Picker

    app = make_app(keymap={"next_suggestion": "tab,s"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"sources")
        assert app.find_bar.value == "sources"
        await pilot.press("enter")
        assert app.view.selection is not None
        s, e = app.view.selection
        assert app.session.text[s:e] == "sources"
        await pilot.press("1", "e")  # the event picker's filter
        assert isinstance(app.screen, Picker)
        await pilot.press(*"ss")
        assert app.screen.query_one("Input").value == "ss"
        await pilot.press("escape", "escape", "s")  # on the article, s is next_suggestion still
        assert "no pending suggestions" in app.message
        await pilot.press("q")


@pytest.mark.parametrize("first, second", [("label_1", "label_2"), ("label_2", "label_1"),
                                           ("next_suggestion", "review_queue")])
def test_a_clash_inside_one_file_is_blamed_on_its_later_line(env, capsys, first, second):
    """Two ids on one key in one file: the line blamed was the alphabetically first
    id's, even when that line only restated its default and the next made the clash."""
    work, _ = env
    write(work / "annotator.toml", f'[keymap]\n{first} = "1,s"\n{second} = "1,s"\n')
    status, out, errs = run_cli(["keys"], capsys)
    assert status == 2
    lines = errs.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: annotator.toml:3: keymap: ") and second in lines[0], lines


@pytest.mark.parametrize("key, arrives", [("ctrl+i", "tab"), ("ctrl+m", "enter")])
def test_a_key_a_terminal_sends_as_another_is_refused(env, capsys, key, arrives):
    """find = "ctrl+i" was taken without a word: a terminal sends ctrl+i as tab, so
    the key never reached find, or tab (next suggestion) changed meaning."""
    work, _ = env
    write(work / "annotator.toml", f'[keymap]\nfind = "f,{key}"\n')
    status, out, errs = run_cli(["keys"], capsys)
    assert status == 2
    assert errs.strip().splitlines() == [
        f"annotator: annotator.toml:2: keymap: find: '{key}' reaches the app as {arrives} (a terminal sends them alike): give another key"]


@pytest.mark.parametrize("line, words", [
    ('picker.cancel = "q"', "picker.cancel: 'q' is typed into the prompt, so it would never reach picker.cancel"),
    ('ask.cancel = "ctrl+x"', "ask.cancel: 'ctrl+x' is the prompt's own editing key, so it would never reach ask.cancel"),
])
def test_a_prompt_s_key_its_text_field_takes_first_is_refused(env, capsys, line, words):
    """picker.cancel = "q" was taken: q went into the filter, and the picker could
    no longer be cancelled with any key."""
    work, _ = env
    write(work / "annotator.toml", f"[keymap]\n{line}\n")
    status, out, errs = run_cli(["keys"], capsys)
    assert status == 2
    lines = errs.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: annotator.toml:2: keymap: ") and words in lines[0], lines
    write(work / "annotator.toml", '[keymap]\npicker.cancel = "escape,ctrl+g"\nask.cancel = "ctrl+g"\n')
    assert run_cli(["keys"], capsys)[0] == 0
