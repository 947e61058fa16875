"""Attribution rules: at a cue ("said", "according to", "told Reuters"), who is
the source and what is the content, from the shape of the sentence.

The shapes are the rule names written into ``by``: ``according-to``,
``content-first`` ('"...," he said'), ``source-after-cue`` ('..., said X') and
``content-after`` ('X said that ...'); ``+source`` when a source phrase learned
from the gold was used.
"""

from __future__ import annotations

import re

from ..model import Attribution, Ref, Span
from ..schema import Schema
from ..text import Sentences
from . import lexicon as lx
from .base import LocalIds, Proposals
from .context import EntityIndex, clause_end, has_quote, preposition_before, prev_word, trim
from .learned import Knowledge
from .phrases import PhraseMatcher

SCORE_CUE = 0.7
SCORE_CUE_WEAK = 0.5

_DATELINE_PREFIX = re.compile(r"[A-Z][A-Z .'\u2019-]*(?:, [A-Z][\w .]*)? *\([^)\n]{1,30}\) *[-\u2013\u2014]+ *")
#: a list item's marker opening the sentence: "1) ", "2. ", "(a) ", "- ", "• ", brat's tokenised "1 ) "
#: (a letter only with a parenthesis: "A. Smith said" keeps its initial)
_LIST_MARKER = re.compile(r"(?:\(?\d{1,3} ?[.)]|\(?[A-Za-z] ?\)|[-*+\u2022\u2013\u2014\u2023\u25aa\u25cf])[ \t]+")
_LEAD = re.compile(r"[\"“‘(]*(?:(?:But|And|However|Meanwhile),?\s+)?")
_ARTICLE = re.compile(r"(?:the|a|an)\s+")
_ADVERBIALS_AFTER_CUE = re.compile(r"\s*(?:on \w+\s+|in a statement\s+|earlier\s+|later\s+|also\s+)*")
_A_WORD = re.compile(r"(\w+)")
_THAT = re.compile(r"\bthat\s+")
_QUOTE_AHEAD = re.compile(r"\s*[\"“]")
_NAME_ADDRESSEE = re.compile(r"[A-Z][\w.\-]*(?= that\b| on\b| in\b|[,.])")


def cue_matcher(schema: Schema, know: Knowledge) -> PhraseMatcher:
    """The schema's cue words and the cues of attributions accepted before."""
    cues = {c.casefold() for c in schema.attribution_cues} | {c for c in know.cues if not lx.is_noise(c)}
    return PhraseMatcher(((c, c) for c in cues), fold=True)


def attributions(
    schema: Schema, text: str, sents: Sentences, hits, index: EntityIndex, out: Proposals, ids: LocalIds,
    know: Knowledge | None = None,
) -> None:
    """Attribution suggestions at cue ``hits`` (from ``cue_matcher``): source, cue, content.

    With ``know``: a source phrase accepted before, found right before the cue,
    is the source; a cue's content shape never accepted while others were is
    scored lower (the gold taught which way round this cue is used)."""
    sources = _source_matcher(know) if know is not None and know.sources else None
    for cs, ce, cue in hits:
        ss, se = sents.sentence_at(cs)
        guess = _attribution(text, index, ss, se, cs, ce, cue)
        if guess is None:
            continue
        source, content, score, direct, rule = guess
        if sources is not None:
            learned = _learned_source(text, index, sources, ss, cs, content)
            if learned is not None and learned != source:
                source, rule = learned, rule + "+source"
                score = max(score, SCORE_CUE)
        if know is not None:
            score = _shape_score(know, cue, rule, score)
        c_text = text[content[0] : content[1]]
        if direct or c_text[:1] in lx.QUOTES_OPEN and c_text[-1:] in lx.QUOTES_CLOSE and not has_quote(c_text[1:-1]):
            kind = "direct"
        elif has_quote(c_text):
            kind = "mixed"
        else:
            kind = "indirect"
        if kind not in schema.attribution_types:
            kind = None
        if cue in ("told", "tells"):
            ce = _addressee_end(text, index, ce) or ce  # the cue is "told Reuters"
        out.add(
            Attribution(
                ids("A"),
                source=source,
                cue=Span.of(text, cs, ce),
                content=Span.of(text, *content),
                type=kind,
                by=rule,
                score=score,
            )
        )



def _np_before(text: str, index: EntityIndex, ss: int, cs: int) -> Ref | Span | None:
    """The source of a cue such as "said": who is saying it, right before the cue
    (not the list marker opening the sentence: "1) Officials said")."""
    a, b = trim(text, ss, cs, " \t")
    marker = _LIST_MARKER.match(text, a, b)
    if marker:
        a = marker.end()
    # "sources said on Friday", "he also said": step over adverbs and auxiliaries.
    while True:
        m = prev_word(text, a, b)
        if m and text[m[0] : m[1]].lower() in lx.AUX:
            b = trim(text, a, m[0], " \t")[1]
            continue
        break
    if b <= a:
        return None
    if text[max(a, b - 4) : b] == " and" or b - a == 3 and text[a:b] == "and":
        # "Zelenskiy met leaders ... and told them": the sentence's subject.
        lead = _LEAD.match(text, a, b)
        p = lead.end() if lead else a
        for x in index.starting_in(p, b):
            if x.start > p + 25:
                break
            if x.label in lx.SUBJECT_LABELS:
                return Ref(x.id)
        return None
    ent = index.ending_at(b)
    if ent is not None and ent.start >= a and ent.label in lx.SUBJECT_LABELS:
        if preposition_before(text, max(a, ent.start - 40), ent.start) in ("", "?"):
            return Ref(ent.id)  # not "sources based in eastern Syria"
    m = prev_word(text, a, b)
    if m and text[m[0] : m[1]].lower() in lx.PRONOUNS:
        return Span.of(text, m[0], m[1])
    if text[b - 1] == ",":
        # "Omar Abu Layla, an activist ..., told": the subject opens the sentence.
        lead = _LEAD.match(text, a, b)
        p = lead.end() if lead else a
        first = index.starting_at(p)
        if first is not None and first.label in lx.SUBJECT_LABELS and text[first.end : first.end + 1] == ",":
            return Ref(first.id)
        comma = text.find(",", p, b)
        if comma > p and len(text[p:comma].split()) <= 6:
            return Span.of(text, *trim(text, p, comma))
        return None
    # A short noun phrase from the clause start: "two Syrian army sources".
    cut = max(text.rfind(c, a, b) for c in ",;:\u201d\u201c\"(")
    p = cut + 1 if cut >= a else a
    p, b2 = trim(text, p, b, " \t\"“”'")
    words = text[p:b2].split()
    while words and words[0].lower() in ("and", "but", "while", "as", "whereas"):
        p = text.index(words[0], p) + len(words[0])
        p = trim(text, p, b2, " \t")[0]
        words = words[1:]
    if 1 <= len(words) <= 8 and not any(w.lower() in ("that", "which", "who", "when", "if") for w in words):
        ent = index.starting_at(p)
        if ent is not None and ent.end == b2:
            return Ref(ent.id)
        return Span.of(text, p, b2)
    return None


def _np_after(text: str, index: EntityIndex, a: int, se: int) -> tuple[Ref | Span | None, int]:
    """The source after "according to": an entity or the phrase up to the next comma."""
    p = trim(text, a, se, " \t")[0]
    ent = index.starting_at(p)
    if ent is None:
        m = _ARTICLE.match(text, p)
        if m:
            ent = index.starting_at(m.end())  # "according to the Syrian Observatory"
    stop = clause_end(text, p, se)
    if ent is not None and ent.end == trim(text, p, stop)[1]:
        return Ref(ent.id), stop
    q, r = trim(text, p, stop)
    if r <= q or len(text[q:r].split()) > 8:
        return None, stop
    return Span.of(text, q, r), stop



def _addressee_end(text: str, index: "EntityIndex", ce: int) -> int | None:
    """Where the addressee of "told" ends ("told Reuters", "told reporters"), or None."""
    p = ce
    while p < len(text) and text[p] in " \t":
        p += 1
    ent = index.starting_at(p)
    if ent is not None and ent.label in ("ORG", "PER"):
        return ent.end
    m = _A_WORD.match(text, p)
    if m and m.group(1).lower() in lx.OBJECT_PRONOUNS:
        return m.end()
    m = _NAME_ADDRESSEE.match(text, p)
    if m and m.group() not in lx.STOP:
        return m.end()  # "told Reuters" where no entity was found (a model missed it)
    return None


def _content_after(text: str, index: EntityIndex, ce: int, se: int, cue: str) -> tuple[int, int] | None:
    """What was said, after the cue: the "that" clause or the rest of the sentence."""
    p = ce
    rest = text[p:se]
    m = _ADVERBIALS_AFTER_CUE.match(rest)
    p += m.end() if m else 0
    if cue in ("told", "tells", "warned", "informed", "assured"):
        # the addressee: "told Reuters", "told reporters"
        ent = index.starting_at(p)
        if ent is not None:
            p = ent.end
        else:
            m = _A_WORD.match(text, p)
            if m and m.group(1).lower() in lx.OBJECT_PRONOUNS:
                p = m.end()
            else:
                m = _NAME_ADDRESSEE.match(text, p)
                if m and m.group() not in lx.STOP:
                    p = m.end()
    # "that" right after the cue, or after an adverbial phrase ("told reporters
    # earlier on Friday at a press conference ... that"): the content follows it.
    m = _THAT.search(text, p, min(se, p + 120))
    between = text[p : m.start()].split() if m else []
    if m and (
        not between
        or between[0].lower() in lx.ADVERBIAL and len(between) <= 12 and "," not in text[p : m.start()]
    ):
        p = m.end()
    elif cue in lx.WEAK_CUES and not _QUOTE_AHEAD.match(text, p, se) and cue != "warned":
        return None  # "claimed responsibility", "reported 5 deaths": not a report of speech
    a, b = trim(text, p, se, " \t,;:.")
    if b - a < 3 or len(text[a:b].split()) < 2:
        return None
    return a, b


def _content_before(text: str, ss: int, b: int) -> tuple[tuple[int, int], bool] | None:
    """What was said before the source: ``text[ss:b]`` trimmed; a quotation loses its
    quote marks (and is then a direct report)."""
    while b < len(text) and text[b] in lx.QUOTES_CLOSE:
        b += 1  # '"We will fight," he said': the quote closes after the comma
    a, b = trim(text, ss, b, " \t,")
    m = _DATELINE_PREFIX.match(text, a, b) or _LIST_MARKER.match(text, a, b)
    if m:
        a = m.end()  # "KYIV, Ukraine (Reuters) - ", "1) "
    quoted = False
    if a < b and text[a] in lx.QUOTES_OPEN:
        close = b
        while close > a and text[close - 1] in " \t,":
            close -= 1
        if text[close - 1] in lx.QUOTES_CLOSE and not has_quote(text[a + 1 : close - 1]):
            a, b = trim(text, a + 1, close - 1, " \t,")
            quoted = True
    if b - a < 3:
        return None
    return (a, b), quoted


def _attribution(text, index, ss, se, cs, ce, cue):
    """(source, (content start, end), score, direct, rule) for one cue, or None."""
    if cue == "according to":
        source, stop = _np_after(text, index, ce, se)
        lead = text[ss:cs].strip(" \t\"“‘(")
        if not lead:
            # "According to X, content."
            a, b = trim(text, stop, se)
        else:
            a, b = trim(text, ss, cs)
        if b - a < 3:
            return None
        return source, (a, b), SCORE_CUE if source is not None else SCORE_CUE_WEAK, False, "according-to"
    end = _addressee_end(text, index, ce) if cue in ("told", "tells") else None
    end = end or ce
    rest = text[end:se].strip(" \t.\"”’)")
    if not rest or rest.startswith(","):
        # "..., he said." / "..., the ministry said, as ...": the content comes first.
        comma = max(text.rfind(",", ss, cs), text.rfind("\u201d", ss, cs) - 1)
        if comma <= ss:
            return None
        source = _np_before(text, index, comma + 1, cs)
        got = _content_before(text, ss, comma + 1)
        if got is None:
            return None
        return source, got[0], SCORE_CUE if source is not None else SCORE_CUE_WEAK, got[1], "content-first"
    # '..., said Omar Abu Layla.', '"...," said X, a spokesman': the source follows the cue.
    ent = index.starting_at(trim(text, ce, se)[0])
    if ent is not None and ent.label == "PER":
        tail = text[ent.end : se].strip(" \t.\"”’)")
        comma = max(text.rfind(",", ss, cs), text.rfind("\u201d", ss, cs) - 1)
        if (not tail or tail.startswith(",")) and comma > ss:
            got = _content_before(text, ss, comma + 1)
            if got is not None:
                return Ref(ent.id), got[0], SCORE_CUE, got[1], "source-after-cue"
    content = _content_after(text, index, ce, se, cue)
    if content is None:
        return None
    source = _np_before(text, index, ss, cs)
    strong = cue not in lx.WEAK_CUES and source is not None
    return source, content, SCORE_CUE if strong else SCORE_CUE_WEAK, False, "content-after"


def _source_matcher(know: Knowledge) -> PhraseMatcher:
    return PhraseMatcher(((s, s) for s in know.sources if not lx.is_noise(s)), fold=True)


def _learned_source(text: str, index: EntityIndex, sources: PhraseMatcher, ss: int, cs: int, content) -> Ref | Span | None:
    """A source phrase accepted before, in the sentence before the cue and outside the content."""
    a, b = content
    best = None
    for s, e, _ in sources.find(text[ss:cs]):
        s, e = s + ss, e + ss
        if s < b and a < e:
            continue  # inside what was said
        if best is None or e > best[1]:
            best = (s, e)
    if best is None:
        return None
    ent = index.starting_at(best[0])
    if ent is not None and ent.end == best[1]:
        return Ref(ent.id)
    return Span.of(text, *best)


def _shape_score(know: Knowledge, cue: str, rule: str, score: float) -> float:
    """Lower the score of a shape the gold never used with this cue (when it used others)."""
    shapes = know.cue_shapes.get(cue.casefold())
    if not shapes:
        return score
    shape = rule.split("+")[0]
    seen = shapes.get(shape, 0)
    total = sum(shapes.values())
    # Laplace-smoothed share of this shape among the cue's accepted uses, mixed with the rule's own score.
    share = (seen + 1) / (total + 2)
    return round(min(0.95, max(0.05, (score + share) / 2 + (0.1 if seen else 0.0))), 3)
