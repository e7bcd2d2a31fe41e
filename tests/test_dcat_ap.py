"""The dataset description of a real build passes the DCAT-AP 3.0.1 SHACL shapes (mandatory,
recommended and range; vendored in tests/vendor/dcat-ap-3.0.1/ with their licence), has a
catalogue, SPDX checksums that match the files, the countries as spatial coverage, and VoID
counts that say what each dump holds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyshacl
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from conftest import BASE, CONTENT, ROOT
from kzgraph.cli import cli

VENDOR = ROOT / "tests" / "vendor" / "dcat-ap-3.0.1"
DATASET = URIRef(BASE + "dataset")
WITH_PROVENANCE = URIRef(BASE + "dataset/with-provenance")
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("dcat-ap") / "public"
    result = CliRunner().invoke(cli, ["build", "-c", str(CONTENT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def void(built) -> Graph:
    return Graph().parse(built / "void.ttl", format="turtle")


@pytest.mark.parametrize("shapes", ["shapes.ttl", "shapes_recommended.ttl", "range.ttl"])
def test_void_ttl_passes_the_dcat_ap_3_shapes(void, shapes):
    """The audit found 16 recommended-property warnings and 21 range violations. Warnings
    count as failures here: recommended means recommended."""
    conforms, _, text = pyshacl.validate(void, shacl_graph=Graph().parse(VENDOR / shapes),
                                         inference="none", allow_warnings=False)
    assert conforms, text[:5000]


def test_a_catalogue_lists_the_dataset(void):
    [catalog] = void.subjects(RDF.type, DCAT.Catalog)
    assert (catalog, DCAT.dataset, DATASET) in void
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.issued,
              DCTERMS.modified):
        assert list(void.objects(catalog, p)), p


def test_the_dataset_has_dates_keywords_themes_and_the_countries_as_coverage(void):
    for p in (DCTERMS.issued, DCTERMS.modified, DCAT.keyword, DCAT.theme, DCAT.landingPage,
              DCAT.contactPoint, DCTERMS.temporal):
        assert list(void.objects(DATASET, p)), p
    assert set(void.objects(DATASET, DCTERMS.spatial)) == {URIRef(BASE + "country/kz")}
    assert {lit.language for lit in void.objects(DATASET, DCAT.keyword)} == {"en", "ru"}


def test_every_distribution_has_the_checksum_of_its_file(built, void):
    distributions = set(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 6
    for dist in distributions:
        [url] = void.objects(dist, DCAT.downloadURL)
        name = str(url)[len(BASE):]
        [checksum] = void.objects(dist, URIRef(SPDX + "checksum"))
        assert (checksum, URIRef(SPDX + "algorithm"),
                URIRef(SPDX + "checksumAlgorithm_sha256")) in void
        [value] = void.objects(checksum, URIRef(SPDX + "checksumValue"))
        assert str(value) == hashlib.sha256((built / name).read_bytes()).hexdigest()


def test_each_dump_is_described_with_what_it_holds(built, void):
    """The audit found the N-Quads and TriG files (more quads) listed under void:triples of the
    union. Now they are the dumps of a dataset of which the data is a subset, with their own
    count; the triple formats are the data's dumps."""
    dumps = {str(u)[len(BASE):] for u in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {"kzgraph.ttl", "kzgraph.nt", "kzgraph.jsonld", "kzgraph.rdf"}
    assert {str(u)[len(BASE):] for u in void.objects(WITH_PROVENANCE, VOID.dataDump)} == \
        {"kzgraph.nq", "kzgraph.trig"}
    assert (WITH_PROVENANCE, VOID.subset, DATASET) in void
    quads = Dataset()
    quads.parse(built / "kzgraph.nq", format="nquads")
    [count] = void.objects(WITH_PROVENANCE, VOID.triples)
    statements = len(set(quads.quads()))
    assert int(count) == statements > int(next(void.objects(DATASET, VOID.triples)))
    trig = Dataset()
    trig.parse(built / "kzgraph.trig", format="trig")
    assert len(set(trig.quads())) == statements
    union = Graph().parse(built / "kzgraph.nt", format="nt")
    [triples] = void.objects(DATASET, VOID.triples)
    assert int(triples) == len(union)
    for dist in void.objects(DATASET, DCAT.distribution):
        assert {lit.language for lit in void.objects(dist, DCTERMS.description)} == \
            {"en", "ru"}
        assert isinstance(next(void.objects(dist, DCTERMS.issued)), Literal)
