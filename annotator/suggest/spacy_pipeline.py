"""The `spacy:NAME_OR_PATH` suggester: entities from any installed spaCy pipeline.

spaCy is an optional extra (``pip install 'annotator[spacy]'``); it is imported
only when this suggester is asked for. Labels go through the schema's
``label_map`` (PERSON -> PER, ...); a label that is neither mapped nor one of the
schema's own is skipped, and a note says how many were.

Long articles are run paragraph by paragraph (``nlp.pipe``), so a 1 MB article
never meets spaCy's ``max_length`` and the parser's memory stays small.

Each suggestion names the component that made it: ``spacy:NAME:ner`` for
``doc.ents``, ``spacy:NAME:spancat`` for the span group ``sc`` (a span
categorizer, as ``annotator train`` makes; its spans may overlap, and carry the
model's score). A pipeline folder written by ``annotator train`` also holds the
lexicon learned from the same gold (``annotator-lexicon.json``): with it, events
and attributions are suggested over the model's entities by the rules' event
and attribution steps, with the learned triggers, cues, sources and shapes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..errors import InputError
from ..model import AnnotationSet, Entity, Span
from ..schema import Schema
from .base import LocalIds, Progress, Proposals
from .learned import LEXICON_FILE, Knowledge

INSTALL_HINT = "spaCy is not installed; install it with: pip install 'annotator[spacy]'"
CHUNK = 50_000  # characters per piece handed to spaCy


def _import_spacy():
    try:
        import spacy  # noqa: PLC0415 - optional dependency
    except ImportError:
        return None
    return spacy


class SpacySuggester:
    """Runs a spaCy pipeline and proposes its entities (no score: spaCy's NER gives none)."""

    def __init__(self, name_or_path: str, schema: Schema, *, nlp=None):
        self.spec = name_or_path
        self.schema = schema
        where = f"--with spacy:{name_or_path}"
        path = Path(name_or_path).expanduser()
        is_path = path.exists() or "/" in name_or_path or name_or_path.startswith(".")
        self.name = f"spacy:{path.name if is_path else name_or_path}"
        if nlp is None:
            spacy = _import_spacy()
            if spacy is None:
                raise InputError(where, INSTALL_HINT)
            if is_path and not path.exists():
                raise InputError(str(path), "no such spaCy pipeline folder")
            try:
                nlp = spacy.load(path if is_path else name_or_path)
            except OSError as exc:
                if is_path:
                    raise InputError(str(path), f"not a spaCy pipeline folder ({_first_line(exc)})") from None
                raise InputError(
                    where,
                    f"no spaCy pipeline named '{name_or_path}' is installed "
                    f"(python -m spacy download {name_or_path}, or give its folder)",
                ) from None
            except Exception as exc:  # noqa: BLE001 - a broken or incompatible pipeline
                raise InputError(where, f"cannot load the spaCy pipeline: {_first_line(exc)}") from None
        self.nlp = nlp
        if not nlp.pipe_names:
            raise InputError(where, "this spaCy pipeline has no components, so it finds no entities")
        self.spans_key = None
        if "spancat" in nlp.pipe_names:
            self.spans_key = getattr(nlp.get_pipe("spancat"), "key", "sc")
        self.knowledge: Knowledge | None = None
        if is_path and (path / LEXICON_FILE).is_file():
            self.knowledge = Knowledge.load(path)

    def _map(self, label: str) -> str | None:
        mapped = self.schema.label_map.get(label)
        if mapped is not None and self.schema.has_entity(mapped):
            return mapped
        if self.schema.has_entity(label):
            return label
        return None

    def propose(self, aset: AnnotationSet, *, progress: Progress | None = None) -> Proposals:
        text = aset.document.text
        out = Proposals()
        ids = LocalIds()
        skipped: Counter = Counter()
        pieces = list(_pieces(text, CHUNK))
        done = 0
        proposed: list[Entity] = []
        for (offset, piece), doc in zip(pieces, self.nlp.pipe(p for _, p in pieces)):
            found: list[tuple[object, str, float | None]] = [(ent, "ner", None) for ent in doc.ents]
            if self.spans_key is not None and self.spans_key in doc.spans:
                group = doc.spans[self.spans_key]
                scores = group.attrs.get("scores")
                for i, sp in enumerate(group):
                    score = None if scores is None else round(float(scores[i]), 3)
                    found.append((sp, "spancat", score))
            seen: set[tuple[int, int, str]] = set()
            for ent, rule, score in found:
                label = self._map(ent.label_)
                if label is None:
                    skipped[ent.label_] += 1
                    continue
                s, e = offset + ent.start_char, offset + ent.end_char
                if (s, e, label) in seen:
                    continue  # ner and spancat agree: one suggestion (ner's)
                seen.add((s, e, label))
                # spaCy's offsets are str offsets into the piece: they must match ours.
                if text[s:e] != ent.text:
                    raise InputError(self.name, f"spaCy returned an entity whose offsets do not match the text at {s}-{e}")
                proposed.append(out.add(Entity(ids("T"), label, Span.of(text, s, e), by=rule, score=score)))
            done += len(piece)
            if progress:
                progress(0.05 + 0.85 * done / max(1, len(text)))
        if self.knowledge is not None:
            from .rules import structures

            structures(self.schema, aset, proposed, self.knowledge, out, ids)
        if skipped:
            labels = ", ".join(f"{lab} ({n})" for lab, n in sorted(skipped.items()))
            out.notes.append(
                f"{self.name}: skipped entities with labels the schema does not map: {labels} (add them to label_map)"
            )
        return out


def _pieces(text: str, size: int):
    """(offset, piece) cut at line breaks (or spaces) so no piece is much over ``size``."""
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


def _first_line(exc: BaseException) -> str:
    msg = str(exc).strip()
    return msg.splitlines()[0] if msg else type(exc).__name__
