"""The app's command line read without argparse (cli.plain_annotate): for the plain
forms, the same arguments as the parser gives; for anything else, None (the
parser reads it, errors and help included)."""

import argparse
import itertools

import pytest

from annotator import cli


_PARSER = []


def parsed(argv):
    if not _PARSER:
        _PARSER.append(cli.build_parser(only="annotate"))
    try:
        return vars(_PARSER[0].parse_args(argv))
    except SystemExit:
        return None


WORDS = ["a.txt", "b/", "--annotations", "d", "--annotator", "me", "--theme", "nord", "--schema", "s.yaml",
         "--suggest", "rules", "-h", "--annot", "--annotations=d", "--", "-x", "", "--version"]  # fmt: skip


def test_the_options_are_all_of_annotates():
    parser = cli.build_parser(only="annotate")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    annotate = sub.choices["annotate"]
    taking = sorted(s for a in annotate._actions if a.option_strings and a.nargs is None for s in a.option_strings)
    assert taking == sorted(cli.ANNOTATE_OPTIONS)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_plain_forms_read_as_argparse_reads_them_and_the_rest_is_left_to_it(n, capsys):
    plain = 0
    for words in itertools.product(WORDS, repeat=n):
        argv = ["annotate", *words]
        ours = cli.plain_annotate(argv)
        if ours is None:
            continue
        plain += 1
        assert vars(ours) == parsed(argv), argv
    assert plain > 0


def test_the_commands_arguments():
    argv = ["annotate", "a.txt", "b.txt", "--annotations", "d", "--annotator", "bench", "--annotations", "e"]
    assert vars(cli.plain_annotate(argv)) == parsed(argv)
    assert cli.plain_annotate(argv).annotations == "e"  # the last one, as argparse
    assert cli.plain_annotate(["annotate", "--theme", "nord", "x.txt"]).paths == ["x.txt"]
    assert cli.plain_annotate(["annotate"]).paths == []
    for left in (["annotate", "a", "--theme", "x", "b"], ["annotate", "--theme"], ["annotate", "--theme", "-x"],
                 ["annotate", "-h"], ["annotate", "--theme=x"], ["annotate", "--them", "x"], ["status", "a"]):
        assert cli.plain_annotate(left) is None, left


def test_main_runs_the_plain_form_and_argparse_the_rest(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr("annotator.commands.annotate.run", lambda args: seen.append(vars(args)) or 0)
    assert cli.main(["x.txt", "--theme", "nord"]) == 0
    assert seen[-1]["paths"] == ["x.txt"] and seen[-1]["theme"] == "nord" and seen[-1]["command"] == "annotate"
    with pytest.raises(SystemExit) as exc:
        cli.main(["x.txt", "--theme"])  # argparse: "expected one argument"
    assert exc.value.code == 2
    assert "expected one argument" in capsys.readouterr().err
