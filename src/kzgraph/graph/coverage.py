"""The languages the data covers, for the dataset description (``void.ttl``): ``kzgraph
status``'s totals per language as W3C Data Quality Vocabulary measurements.

Kept apart from :mod:`kzgraph.graph.describe` (VoID and DCAT proper): the build adds these
statements to the description it writes. For each language the files are written in, four
measurements of the dataset: the texts present and up to date, missing, and outdated (counts), and
the share present and up to date (0..1), each with ``dcterms:language``.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, Namespace, URIRef
from rdflib.term import Node

from kzgraph.content.status import Totals
from kzgraph.graph.iris import Minter
from kzgraph.vocab import DCTERMS, LANGUAGE_IRI, RDF, SKOS, XSD

DQV = Namespace("http://www.w3.org/ns/dqv#")
#: metric name -> (its definition, the datatype of its values)
METRICS = {
    "texts-present": ("The number of texts (titles, descriptions, bodies, guide section "
                      "titles) a language has, up to date with the default language's.",
                      XSD.integer),
    "texts-missing": ("The number of texts some language version of a page has and this "
                      "language lacks.", XSD.integer),
    "texts-outdated": ("The number of texts this language has in files older (by 'date') than "
                       "the default language's.", XSD.integer),
    "texts-covered": ("The share of texts this language has, up to date (0 to 1).",
                      XSD.decimal),
}


def coverage_triples(totals: list[Totals], mint: Minter) -> list[tuple[Node, Node, Node]]:
    """The statements saying how far each language covers the texts of the data."""
    ds = mint.dataset()
    out: list[tuple[Node, Node, Node]] = []
    for name, (definition, datatype) in METRICS.items():
        metric = mint.dataset_part("metric", name)
        out += [(metric, RDF.type, DQV.Metric), (metric, SKOS.definition, Literal(definition,
                                                                                  lang="en")),
                (metric, DQV.expectedDataType, datatype)]
    for t in totals:
        share = Decimal(t.present) / Decimal(t.expected) if t.expected else Decimal(1)
        values = {"texts-present": t.present, "texts-missing": t.missing,
                  "texts-outdated": t.outdated, "texts-covered": round(share, 4)}
        for name, value in values.items():
            m = mint.dataset_part("measurement", f"{name}-{t.lang}")
            out += [(ds, DQV.hasQualityMeasurement, m), (m, RDF.type, DQV.QualityMeasurement),
                    (m, DQV.computedOn, ds),
                    (m, DQV.isMeasurementOf, mint.dataset_part("metric", name)),
                    (m, DCTERMS.language, URIRef(LANGUAGE_IRI + t.lang)),
                    (m, DQV.value, Literal(value, datatype=METRICS[name][1]))]
    return out
