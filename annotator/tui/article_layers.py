"""The article view of the audit's adjudication view (tui.adjudicate): the layers
``set_layers`` paints. Apart from tui.article_view, so that the annotator's first
frame does not make this class."""

from __future__ import annotations

from typing import ClassVar

from .article_view import ArticleView


class LayeredArticleView(ArticleView):
    """The article view with the layers ``set_layers`` paints (the audit's
    adjudication view, tui.adjudicate): their component classes are here, not on
    the annotator's view, whose first frame styled and checked each of them."""

    # Their styles: here, not in styles/article.tcss, so that the annotator does not
    # parse them before its first frame. Not scoped: as the stylesheet had them.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    /* The audit's adjudication view (annotator audit GOLD PRED --view): gold entities
       keep their label colour; each way the other side compares is drawn over them. */
    /* .article--agree (both sides agree) adds nothing: the label colour alone. */
    ArticleView > .article--missed { color: $text-error; text-style: bold underline; }
    ArticleView > .article--spurious { background: $warning 25%; color: $text-warning; text-style: italic underline; }
    ArticleView > .article--wrong { background: #d633ff 45%; color: auto 90%; text-style: bold; }
    ArticleView > .article--partial { color: $text-primary; text-style: bold uu; }
    ArticleView > .article--resolved { text-style: dim; }
    ArticleView > .article--current { background: $primary 55%; color: auto 95%; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--agree",
        "article--missed",
        "article--spurious",
        "article--wrong",
        "article--partial",
        "article--resolved",
        "article--current",
    }
