"""Scoring and agreement: pure functions over AnnotationSets (no Textual, no I/O).

What counts
-----------
* Gold: the *accepted* annotations of the gold file.
* Predicted, by default: the *accepted or suggested* annotations of the predicted
  file (rejected ones were thrown out by a reviewer). With ``by=NAME``: every
  annotation suggested by that suggester, whatever became of it (accepted,
  relabelled, rejected or pending): that is the extractor's whole output, each
  with the label (an event's type) it was suggested with: a suggestion a person
  relabelled keeps its own in ``suggested_label`` and counts as that prediction
  (a wrong label), not the corrected one. An annotation's suggester is its
  ``suggested_by``, or its ``by`` while it is still suggested or rejected. A file
  audited against its own suggestions (``audit(..., decided_only=True)``, ``audit
  GOLD --by``): only those accepted or rejected; a pending one is not judged yet
  and is left out (``AuditReport.pending_left_out`` counts them).

Entities: the four schemes of MUC / SemEval-2013 task 9.1, computed exactly as
nervaluate 1.2.1 computes them for one document (same greedy matching, in the same
order, same "sufficient overlap" rule, same formulas: precision and recall are
``correct / actual`` and ``correct / possible`` for strict and exact,
``(correct + 0.5 * partial) / ...`` for partial and type). Entities are taken in
position order (start, end, then label), whatever their order in the file; that is
the list order given to nervaluate's matching. Over several documents the five counts are summed and the
scores computed once from the sums, so partial matches keep their half credit
(nervaluate 1.1.0 lost it when merging documents; 1.2.1 agrees with us).
"Micro" is nervaluate's "overall"; "macro" is the mean of the per-label scores over
the labels seen in gold or prediction, sorted by name, summed the way numpy sums
(pairwise), so it equals seqeval's ``average="macro"`` to the last digit.

A discontinuous entity is scored by its extent (first start, last end) for overlap;
boundaries are "the same" only when all its fragments are.

Events: the ACE measures as Li, Ji and Huang (2013) define them. A trigger is
identified when its offsets match a gold trigger's, classified when its event type
matches too; an argument is identified when its event type and offsets match a gold
argument's, classified when its role matches too. Matching is one to one (multiset).

Attributions: source, cue and content, each matched one to one, strictly (same
fragments) and by overlap (any shared character); "attribution" counts whole
attributions whose three parts all match (an absent part matches an absent part)
and whose type (direct, indirect, mixed) is the same.
A source given as an entity reference is scored by that entity's span.

Agreement: pairwise entity F1 (A as reference) and Cohen's kappa over tokens (the
tokens the app's cursor moves over, ``annotator.text.tokenize``), per label (does
the token carry the label?) and over all labels (the label of the first entity
covering the token, or ``O``), computed as scikit-learn's ``cohen_kappa_score``
computes it. A token carries a label when an entity of that label covers any of it.

Layout: ``selection`` (what counts, which files pair up), ``measures`` (numeric
helpers), ``entities``, ``disagreements``, ``events``, ``attributions``,
``review`` (decisions and calibration), ``report`` (the whole audit),
``agreement`` (pairwise), ``coefficients`` and ``layers`` (every layer, any
number of annotators: ``agree``).
"""

from .agreement import NO_LABEL, Agreement, KappaTable, agreement, agreements, cohen_kappa, token_bounds, token_labels
from .attributions import ATTRIBUTION_PARTS, MATCH_MODES, AttributionScores, score_attributions
from .disagreements import MATCH, MISSED, PARTIAL, SPURIOUS, WRONG_LABEL, Disagreement, disagreements  # noqa: F401
from .entities import (
    CATEGORIES,
    MIN_OVERLAP_PERCENT,
    NERVALUATE_NAME,
    SCHEMES,
    Counts,
    EntityScorer,
    EntityScores,
    Item,
    entity_items,
    score_entities,
    score_items,
)
from .events import EVENT_MEASURES, EventScores, score_events
from .measures import PRF, Tally, f1_of, np_mean, np_sum
from .report import AuditReport, audit
from .review import Calibration, ReviewTally, ScoreBin, calibration, review_counts
from .selection import is_gold, predicted_filter, suggester_of, suggesters

__all__ = [
    "ATTRIBUTION_PARTS", "CATEGORIES", "EVENT_MEASURES", "MATCH", "MATCH_MODES", "MIN_OVERLAP_PERCENT", "MISSED",
    "NERVALUATE_NAME", "NO_LABEL", "PARTIAL", "PRF", "SCHEMES", "SPURIOUS", "WRONG_LABEL",
    "Agreement", "AttributionScores", "Calibration", "ScoreBin", "calibration", "AuditReport", "Counts", "Disagreement", "EntityScorer", "EntityScores",
    "EventScores", "Item", "KappaTable", "ReviewTally", "Tally",
    "agreement", "agreements", "audit", "cohen_kappa", "disagreements", "entity_items", "f1_of", "is_gold",
    "np_mean", "np_sum", "predicted_filter", "review_counts", "score_attributions", "score_entities",
    "score_events", "score_items", "suggester_of", "suggesters", "token_bounds", "token_labels",
]
