"""``read``: the one way into an annotation file, for the app, the CLI and the workspace.

The text goes to the fast reader, or to PyYAML when the fast reader is not
sure; the checker turns the data into a set and every problem; when the
article changed since the file was saved, the spans are re-found
(``reanchor``). What comes back is a ``Read``: the set, the problems, the
re-anchoring report and the notes for the user.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..collector import paused
from ..digest import sha256
from ..errors import InputError, Problem, ValidationError
from ..lazy import names_from
from ..lost_marks import LOST
from ..model import AnnotationSet, Document, Entity
from ..pace import pause
from ..schema import Schema
from .fast_reader import fast_parse
from .files import new_set, read_yaml_bytes, relative_path, yaml_files, yaml_text
from .tree import COMPILE_COST, FORMAT, NotOurs, Tree
from .validate import Checker, LostSpan, check, show

if TYPE_CHECKING:
    from ..forked import Streamed
    from ..reanchor import Lost, Report

#: the direct readers' names, imported from their modules when first used (PEP 562):
#: a small file opened first goes the general way (see ``worth_compiling``), and
#: importing them (their code, their patterns) was ~3 ms of the app's first frame
_LAZY = {"DirectBytes": "direct_bytes", "DirectFile": "direct_reader", "Decline": "direct_reader"}


__getattr__ = names_from(globals(), _LAZY)


_DIRECT_READER = f"{__package__}.direct_reader"
#: characters of small files read the general way before ``direct_reader`` was imported
_spared = 0


def worth_compiling(size: int) -> bool:
    """``direct_reader.worth_compiling``. While that module is not imported (its
    patterns are then not compiled), the small files are counted here, and it is
    imported only when they come to ``COMPILE_COST``; it then goes on from this
    count: the same answers."""
    global _spared
    dr = sys.modules.get(_DIRECT_READER)
    if dr is None:
        if _spared + size < COMPILE_COST:
            _spared += size
            return False
        dr = importlib.import_module(_DIRECT_READER)  # (it starts from the count made here)
    return dr.worth_compiling(size)


def parse(text: str, source: str, strict: bool = False) -> tuple[Tree | None, Problem | None]:
    """The fast reader, or PyYAML's reading when the fast reader declines the text."""
    try:
        return fast_parse(text), None
    except NotOurs:
        from .pyyaml_reader import slow_parse  # PyYAML, imported only for a file that needs it

        return slow_parse(text, source, strict)


#: the collector paused while a file is read (many small objects, no cycles)
no_gc = paused


#: characters encoded per piece for the sha256 of a big file (see ``pace``)
_SHA_PIECE = 1 << 20


def _sha256(text: str) -> str:
    """sha256 of ``text`` in UTF-8 (surrogates passed), a piece at a time: the
    UTF-8 of a string is the UTF-8 of its pieces end to end."""
    h = sha256(big=len(text) >= _SHA_PIECE // 4)
    for a in range(0, len(text), _SHA_PIECE):
        h.update(text[a : a + _SHA_PIECE].encode("utf-8", "surrogatepass"))
        pause()
    return h.hexdigest()


def _recorded_length(tree: Tree) -> int | None:
    """``document.length`` as the file has it (before the checker consumes the tree)."""
    data = tree.data
    doc = data.get("document") if isinstance(data, dict) else None
    length = doc.get("length") if isinstance(doc, dict) else None
    return length if type(length) is int and length >= 0 else None


def _reanchored(
    text: str, source: str, doc: Document, schema: Schema | None, strict: bool = False
) -> tuple[Checker | None, AnnotationSet | None, Any]:
    """Read the file without the article and re-find its spans in ``doc``.

    (checker, set, report); the set is None when the file has problems of its
    own (then the checker lists them)."""
    from ..reanchor import reanchor

    with no_gc():
        tree, _problem = parse(text, source, strict)
        if tree is None:
            return None, None, None
        old_length = _recorded_length(tree)
        checker, aset = check(tree, source, None, schema)
    if aset is None or checker.problems:
        return checker, None, None
    fixed, report = reanchor(aset, doc, old_length=old_length)
    return checker, fixed, report


class Read:
    """What ``read`` found in one annotation file."""

    __slots__ = ("aset", "problems", "lost_problems", "report", "notes", "path", "_text", "_sha256", "_lost")

    def __init__(
        self,
        aset: AnnotationSet | None,
        problems: list[Problem],
        *,
        path: Path | None = None,
        text: str | None = None,
        report: Report | None = None,
        lost_problems: list[LostSpan] | None = None,
    ):
        #: the set (each annotation that could be built); None when the file is
        #: not YAML, not format 1, or cannot be read
        self.aset = aset
        #: every problem, ``file:line: what`` (the lost spans' among them)
        self.problems = problems
        #: the problems that are spans marked lost (see ``checked``)
        self.lost_problems = lost_problems or []
        #: a ``reanchor.Report`` when the article changed and spans were re-found
        #: (the set then differs from the file: save it); None otherwise
        self.report = report
        #: lines the user must see (re-anchoring, lost spans)
        self.notes: list[str] = []
        #: the file read (None for text given in memory)
        self.path = path
        self._text = text
        self._sha256: str | None = None
        self._lost: list[Lost] | None = None

    @property
    def sha256(self) -> str:
        """sha256 of the file's bytes as read ("" when there is no file): a journal's base."""
        if self._sha256 is None:
            self._sha256 = "" if self._text is None else _sha256(self._text)
        return self._sha256

    @property
    def ok(self) -> bool:
        return self.aset is not None and not self.problems

    @property
    def lost(self) -> list[Lost]:
        """The spans of the set marked lost (not found when the article changed)."""
        if self._lost is None:
            if self.aset is None or not any(ann.attrs and ann.attrs.get(LOST) for ann in self.aset.all()):
                return []  # nothing marked lost: no need of reanchor (its import: 2 ms of a start)
            from ..reanchor import lost_in

            return lost_in(self.aset)
        return self._lost

    def checked(self) -> AnnotationSet:
        """The set; ``ValidationError`` when the file has problems.

        When its only problems are spans marked lost, one line says how many
        and where (``file: 3 spans marked lost (T4, T7, E2 trigger) ...``).
        """
        if self.problems:
            if self.lost_problems and len(self.lost_problems) == len(self.problems):
                raise InputError(str(self.path or self.problems[0].path), _lost_line(self.lost_problems))
            raise ValidationError(self.problems)
        if self.aset is None:
            raise ValidationError([Problem(str(self.path or "<string>"), None, "cannot read the file")])
        return self.aset

    def __repr__(self) -> str:
        return f"Read({self.path or '<string>'}, problems={len(self.problems)}, lost={len(self.lost_problems)})"


def _lost_line(lost: list[LostSpan]) -> str:
    names = [p.what for p in lost]
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    n = len(lost)
    return (
        f"{n} span{'s' if n != 1 else ''} marked lost ({shown}): not found when the article changed; "
        "open the article in the app to re-attach or delete them"
    )


def _as_document(article: Document | str) -> Document:
    if isinstance(article, Document):
        return article
    return Document(article, None, sha256(article.encode("utf-8", "surrogatepass")).hexdigest())


def _article_at(p: Path, rel: str, cache: dict | None) -> Document:
    """The article at ``rel`` from the file ``p``'s folder (``InputError`` if it cannot be read)."""
    from ..articles import read_article

    if cache is None:
        return read_article(p.parent / rel)
    key = os.path.abspath(os.path.join(os.path.dirname(p), rel))
    doc = cache.get(key)
    if doc is None:
        doc = cache[key] = read_article(p.parent / rel)
    return doc


#: a file of more bytes than this is read by the direct reader from its bytes
#: (``DirectBytes``: never one string; a piece at a time, see ``annotator.pace``)
BYTES_FROM = 1 << 20


def _direct_result(result: Read, direct: AnnotationSet, p: Path | None, doc: Document | None, editing: bool) -> Read:
    result._lost = []  # the direct reader declines anything marked lost
    if editing:
        if doc is not None and doc.path is not None and p is not None:
            direct.document.path = relative_path(doc.path, p)
        _editing_notes(result)
    return result


def _direct(
    text: str | bytes, where: str, p: Path | None, doc: Document | None, from_disk: bool, schema: Schema | None, cache: dict | None,
    ahead: Streamed | None = None, digest: bytes = b"",
) -> AnnotationSet | None:
    """The set by the direct reader, when the file is in the writer's layout and has no
    problem at all; None: read it the general way (which lists the problems).
    ``ahead``: a worker reading the file's entities (``store.ahead``), reaped here;
    ``digest``: the sha256 of the bytes ``text``, checked against the worker's."""
    if not worth_compiling(len(text)):
        if ahead is not None:
            ahead.cancel()
        return None  # a small file before the patterns are compiled: the general way is cheaper
    this = sys.modules[__name__]  # (its names are imported when first used: see __getattr__)
    declined = this.Decline
    try:
        if isinstance(text, bytes):
            found = this.DirectBytes(text, where)
            found._reader.ahead, found._reader.sha_of_bytes = ahead, digest
        else:
            found = this.DirectFile(text, where)
        if doc is None and from_disk:
            if found.path is None:
                return None
            assert p is not None
            try:
                doc = _article_at(p, found.path, cache)
            except InputError:
                return None
        if doc is None:
            return found.build(None, None, schema)
        return found.build(doc.text, doc.sha256, schema)
    except declined:
        return None
    finally:
        if ahead is not None:  # (its value taken by the build, or not wanted: reaped)
            ahead.cancel()


def _find_article(tree: Tree, p: Path, where: str, cache: dict | None = None) -> tuple[Document | None, list[Problem]]:
    """The article named by ``document.path`` (relative to the file), or the problem."""
    data = tree.data
    doc = data.get("document") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(doc, dict):
        return None, []
    rel = doc.get("path")
    pline = tree.key_line(doc, "path", tree.line(doc, None))
    if rel is None:
        return None, [Problem(where, pline, "document.path is missing: cannot check the spans against the article")]
    if type(rel) is not str:
        return None, []
    try:
        return _article_at(p, rel, cache), []
    except InputError as err:
        return None, [Problem(where, pline, f"article {rel} (relative to this file): {err.problem}")]


def read(
    path: str | os.PathLike | None = None,
    *,
    text: str | None = None,
    article: Document | str | None = None,
    schema: Schema | None = None,
    strict: bool = False,
    editing: bool = False,
    article_cache: dict | None = None,
) -> Read:
    """Read one annotation file (format ``annotator/1``) and list every problem in it.

    ``path``: the file. It is read from disk unless ``text`` is given; then
    nothing is read from disk and ``path`` only names the file in messages.

    ``article`` (a ``Document`` from ``articles.read_article``, or the text)
    turns on the span checks. Without it, a file read from disk finds its
    article through ``document.path`` (relative to the file); text in memory
    is checked without one. ``schema`` turns on the label / type / role checks.
    ``strict``: a file the fast reader declines must also satisfy PyYAML's
    pure-Python safe loader, the reference (``annotator validate``).

    When the article changed (its sha256 differs from the file's) and spans no
    longer match, a file read from disk (or opened for ``editing``) has its
    spans re-found (``reanchor``): the set holds them at their new offsets,
    ``report`` says what moved, and the spans that cannot be found are kept,
    marked lost. Spans marked lost are problems of a file read from disk
    (validate, export and audit refuse them; ``checked`` says how many in one
    line); text in memory is not re-anchored (a mismatch is a problem).

    ``editing``: open the article's annotations in the app (``article`` is
    needed): a missing file is an empty set for the article; lost spans are
    not problems (the app lists them to re-attach or delete) but a note; the
    set's ``document`` is the article as read now (its path relative to the
    file, its current sha256).

    ``article_cache``: a dict kept by the caller across calls, so that files
    of one article (several annotators' folders) read it once.

    Never raises for a bad file: every problem is in ``problems``, and
    ``checked()`` raises ``ValidationError``.

    A file in the writer's own layout without any problem is read by
    ``direct_reader`` (the model built line by line); any other goes through
    the fast reader (or PyYAML) and the checker. Both give the same set.
    """
    if path is None and text is None:
        raise TypeError("read() needs a path or text")
    if editing and article is None:
        raise TypeError("read(editing=True) needs the article")
    where = str(path) if path is not None else "<string>"
    p = Path(path) if path is not None else None
    doc = _as_document(article) if article is not None else None
    from_disk = text is None
    declined = False
    direct = None
    if from_disk:
        assert p is not None
        if editing and not p.exists():
            assert doc is not None
            return Read(new_set(doc, p), [], path=p)
        # (read ahead: see store.ahead; not imported, nothing was started: a small
        # file opened first is read before the app, and imports none of it)
        _ahead = sys.modules.get(f"{__package__}.ahead")
        ahead = _ahead.take(p, doc, schema) if _ahead is not None and _ahead._pending else None
        try:
            raw = read_yaml_bytes(p)
            if len(raw) > BYTES_FROM:
                # a big file is read from its bytes, a piece at a time (see DirectBytes)
                digest = sha256(raw, big=True).digest()  # the bytes decoded: the text's UTF-8
                with no_gc():
                    direct = _direct(raw, where, p, doc, from_disk, schema, article_cache, ahead, digest)
                ahead = None  # (taken by the reader, which reaps it)
                if direct is not None:
                    result = Read(direct, [], path=p)
                    result._sha256 = digest.hex()
                    return _direct_result(result, direct, p, doc, editing)
                declined = True  # (the text would be declined too)
            text = yaml_text(raw, where)
            del raw
        except InputError as err:
            return Read(None, [Problem(where, None, err.problem)], path=p)
        finally:
            if ahead is not None:  # (not read by the direct reader: not wanted)
                ahead.cancel()
    assert text is not None
    if not declined:
        with no_gc():
            direct = _direct(text, where, p, doc, from_disk, schema, article_cache)
    if direct is not None:
        return _direct_result(Read(direct, [], path=p, text=text), direct, p, doc, editing)
    with no_gc():  # one pause for reading and checking (see no_gc)
        tree, problem = parse(text, where, strict)
        if tree is None:
            found = [problem] if problem is not None else [Problem(where, None, "cannot read the file")]
            return Read(None, found, path=p, text=text)
        extra: list[Problem] = []
        if doc is None and from_disk:
            assert p is not None
            doc, extra = _find_article(tree, p, where, article_cache)
        checker, aset = check(tree, where, doc, schema)
        del tree  # the parsed data goes while the collector is still paused
    probs = checker.problems
    result: Read | None = None
    if probs and checker.changed_note and doc is not None and (from_disk or editing):
        fixed_checker, fixed, report = _reanchored(text, where, doc, schema, strict)
        if fixed is not None and fixed_checker is not None and report is not None:
            lost: list[LostSpan] = []
            if not editing:
                lines = fixed_checker.ids
                for x in report.lost:
                    at = ",".join(f"{s}-{e}" for s, e in x.fragments)
                    what = x.id if x.part == "span" else f"{x.id} {x.part}"
                    message = (
                        f"span {what} {show(x.text, 50)} not found in the changed article "
                        f"(kept at {at}, marked lost when opened: tag it again or delete it)"
                    )
                    lost.append(LostSpan(where, lines.get(x.id), message, what))
            result = Read(fixed, extra + lost, path=p, text=text, report=report, lost_problems=lost)
    if result is None:
        lost = [] if editing or not from_disk else checker.lost
        result = Read(aset, extra + probs + lost, path=p, text=text, lost_problems=lost)
    if editing and result.aset is not None:
        if doc is not None and doc.path is not None and p is not None:
            result.aset.document.path = relative_path(doc.path, p)
        _editing_notes(result)
    return result


def _editing_notes(result: Read) -> None:
    if result.report is not None:
        result.notes.append(result.report.summary())
        return  # its summary names every lost span
    lost = result.lost
    if lost:
        ids = sorted({x.id for x in lost}, key=lambda i: (i[:1], int(i[1:]) if i[1:].isdigit() else 0, i))
        shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
        n = len(lost)
        result.notes.append(
            f"{n} span{'s' if n != 1 else ''} lost when the article changed ({shown}): "
            "re-attach them to the right text or delete them"
        )


def rejected_link_problems(got: Read) -> list[Problem]:
    """A problem (``file:line: what``) for each accepted link of a file read without
    problems that points at a rejected annotation (``AnnotationSet.links_to_rejected``).

    Not a reading problem (the app opens such a file, a merge may make one): what
    ``annotator validate`` reports, at the line of the link (the file is parsed
    again for its lines only when there is one)."""
    if got.aset is None or got.problems:
        return []
    found = got.aset.links_to_rejected()
    if not found:
        return []
    where = str(got.path) if got.path is not None else "<string>"
    lines = _link_lines(got)
    out = []
    for ann, what, ref in found:
        line = lines.get((ann.id, what), lines.get((ann.id, None)))
        kind = "entity" if isinstance(got.aset.get(ref), Entity) else "annotation"
        what = f"{ann.id}: {what} refers to {ref}, a rejected {kind}, but {ann.id} is accepted: accept {ref} or drop the link"
        out.append(Problem(where, line, what))
    return out


def _link_lines(got: Read) -> dict[tuple[str, str | None], int | None]:
    """(ID, link) -> its line, and (ID, None) -> the annotation's line, as the file has them."""
    text = got._text
    if text is None and got.path is not None:
        try:
            text = yaml_text(read_yaml_bytes(got.path), str(got.path))
        except InputError:
            return {}
    if text is None:
        return {}
    tree, _problem = parse(text, str(got.path or "<string>"))
    data = tree.data if tree is not None else None
    if not isinstance(data, dict):
        return {}
    out: dict[tuple[str, str | None], int | None] = {}
    for section in ("events", "attributions", "relations"):
        items = data.get(section)
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict) or type(item.get("id")) is not str:
                continue
            aid, line = item["id"], tree.line(item, None)
            out[(aid, None)] = line
            if section == "events" and isinstance(item.get("arguments"), list):
                aline = tree.key_line(item, "arguments", line)
                for arg in item["arguments"]:
                    if isinstance(arg, dict):
                        out.setdefault((aid, f"argument {arg.get('role')}"), tree.line(arg, aline))
            elif section == "attributions":
                out[(aid, "source")] = tree.key_line(item, "source", line)
            elif section == "relations":
                for key in ("arg1", "arg2"):
                    out[(aid, key)] = tree.key_line(item, key, line)
    return out


def validate_paths(paths: Iterable[str | os.PathLike], schema: Schema | None = None) -> list[Problem]:
    """Every problem in the given files (folders: their .yaml files), accepted links
    to rejected annotations included; changes nothing."""
    found: list[Problem] = []
    for p in yaml_files(paths):
        got = read(p, schema=schema, strict=True)
        found.extend(got.problems)
        found.extend(rejected_link_problems(got))
    return found
