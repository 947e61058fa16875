"""bench/corpus/build_gum.py on a two-sentence document written here (GUM's conllu
and eRST rs4 shapes): the text rebuilt from the tokens, which mentions become
entities, and an attribution relation turned into cue, source and content."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "corpus"))

import build_gum  # noqa: E402

# "The mayor of Oslo said on Friday that the bridge's repairs will be done ."
# "It 's safe ."  (a multi-word token, an empty node, nested mentions)
CONLLU = """\
# newdoc id = GUM_news_test
# meta::sourceURL = https://en.wikinews.org/wiki/Test
# meta::title = Test
# newpar
# sent_id = GUM_news_test-1
1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\tEntity=(1-person-new-sssss-cf1-2-coref
2\tmayor\tmayor\tNOUN\tNN\t_\t5\tnsubj\t_\t_
3\tof\tof\tADP\tIN\t_\t4\tcase\t_\t_
4\tOslo\tOslo\tPROPN\tNNP\t_\t2\tnmod\t_\tEntity=(2-place-new-sssss-cf2-1-coref-Oslo)1)
5\tsaid\tsay\tVERB\tVBD\t_\t0\troot\t_\t_
6\ton\ton\tADP\tIN\t_\t7\tcase\t_\t_
7\tFriday\tFriday\tPROPN\tNNP\t_\t5\tobl\t_\tEntity=(3-time-new-sssss-cf3-1-sgl)
8\tthat\tthat\tSCONJ\tIN\t_\t14\tmark\t_\t_
9\tthe\tthe\tDET\tDT\t_\t10\tdet\t_\tEntity=(5-abstract-new-sssss-cf4-3-sgl(4-object-new-sssss-cf5-2-coref
9.1\t_\t_\t_\t_\t_\t_\t_\t_\t_
10-11\tbridge's\t_\t_\t_\t_\t_\t_\t_\t_
10\tbridge\tbridge\tNOUN\tNN\t_\t12\tnmod:poss\t_\t_
11\t's\t's\tPART\tPOS\t_\t10\tcase\t_\tEntity=4)
12\trepairs\trepair\tNOUN\tNNS\t_\t14\tnsubj\t_\tEntity=5)
13\twill\twill\tAUX\tMD\t_\t14\taux\t_\t_
14\tdone\tdo\tVERB\tVBN\t_\t5\tccomp\t_\tSpaceAfter=No
15\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_

# newpar
# sent_id = GUM_news_test-2
1\tIt\tit\tPRON\tPRP\t_\t3\tnsubj\t_\tEntity=(5-abstract-giv-sssss-cf1-1-coref)|SpaceAfter=No
2\t's\tbe\tAUX\tVBZ\t_\t3\tcop\t_\t_
3\tsafe\tsafe\tADJ\tJJ\t_\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

"""

RS4 = """\
<rst><header><relations/></header><body>
<segment id="1" parent="2" relname="attribution-positive">The mayor of Oslo said on Friday</segment>
<segment id="2" parent="4" relname="span">that the bridge 's repairs will done .</segment>
<segment id="3" parent="4" relname="elaboration-additional">It 's safe .</segment>
<group id="4" type="span"/>
<signals>
<signal source="1" type="lexical" subtype="indicative_word" tokens="5"/>
<signal source="1" type="semantic" subtype="attribution_source" tokens="1,2,3,4"/>
</signals>
</body></rst>
"""


def test_a_gum_document_becomes_text_entities_and_an_attribution(tmp_path):
    conllu = tmp_path / "GUM_news_test.conllu"
    conllu.write_text(CONLLU, encoding="utf-8")
    rs4 = tmp_path / "GUM_news_test.rs4"
    rs4.write_text(RS4, encoding="utf-8")

    doc = build_gum.read_conllu(conllu)
    assert doc.text == "The mayor of Oslo said on Friday that the bridge's repairs will done.\nIt's safe.\n"
    assert doc.url == "https://en.wikinews.org/wiki/Test"

    def words(s, e):
        return doc.text[doc.tokens[s].start : doc.tokens[e - 1].end]

    ents = {(words(s, e), label) for s, e, label in build_gum.entities(doc)}
    # "the mayor of Oslo": a person headed by a common noun, not a name; "the
    # bridge" has no Wikipedia identity; "It" is a pronoun
    assert ents == {("Oslo", "GPE"), ("Friday", "DATE")}

    (at,) = build_gum.attributions(doc, rs4)
    assert [doc.tokens[t].form for t in at["cue"]] == ["said"]
    assert words(at["source"][0], at["source"][-1] + 1) == "The mayor of Oslo"
    # the nucleus (segment 2) and what it dominates, not the attributing unit
    assert at["content"] == list(range(7, 15))

    (part,) = build_gum.parts(doc, build_gum.entities(doc), [at])
    aset = build_gum.build_part(part, build_gum.entities(doc), [at])
    (a,) = aset.attributions.values()
    assert a.cue.text == "said"
    assert a.source.text == "The mayor of Oslo"
    assert a.content.text == "the bridge's repairs will done"  # no leading "that", no final "."
    assert a.type == "indirect"
    assert sorted(e.text for e in aset.entities.values()) == ["Friday", "Oslo"]
