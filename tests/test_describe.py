"""The VoID + DCAT description `build` writes: its counts equal SPARQL counts over the data as a
real Oxigraph store holds it, and its distributions are the files, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, VOID, XSD

from kzgraph.cli import cli
from kzgraph.formats.registry import FORMATS
from conftest import BASE, CONTENT
from test_cli_push import select

DATASET = URIRef(BASE + "dataset")
#: graphs in the store that are not the described data
NOT_DATA = [BASE + "graph/provenance", BASE + "graph/ontology", BASE + "graph/push-manifest"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("describe") / "public"
    result = CliRunner().invoke(cli, ["build", "-c", str(CONTENT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def void(built) -> Graph:
    return Graph().parse(built / "void.ttl")


def _int(graph: Graph, s, p) -> int:
    [value] = list(graph.objects(s, p))
    return int(value)


def test_every_dump_is_a_distribution_with_its_size_and_media_type(built, void):
    distributions = set(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(FORMATS)
    for fmt in FORMATS:
        name = f"kzgraph.{fmt.extension}"
        url = URIRef(BASE + name)
        [dist] = set(void.subjects(DCAT.downloadURL, url))
        assert dist in distributions
        assert (dist, RDF.type, DCAT.Distribution) in void
        # the data's dumps; the dataset formats hold the provenance and ontology besides
        holder = URIRef(BASE + "dataset/with-provenance") if fmt.dataset else DATASET
        assert (holder, VOID.dataDump, url) in void
        assert _int(void, dist, DCAT.byteSize) == (built / name).stat().st_size
        [size] = void.objects(dist, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger
        assert set(void.objects(dist, DCAT.mediaType)) == \
            {URIRef("https://www.iana.org/assignments/media-types/" + fmt.media_type)}
        assert (dist, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) \
            in void


def test_the_dataset_record(void):
    assert (DATASET, RDF.type, DCAT.Dataset) in void and (DATASET, RDF.type, VOID.Dataset) in void
    for p in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in void.objects(DATASET, p)} == {"en", "ru"}
    assert set(void.objects(DATASET, DCTERMS.license)) == \
        {URIRef("https://creativecommons.org/licenses/by/4.0/")}
    [publisher] = void.objects(DATASET, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in void
    assert (publisher, FOAF.name, Literal("kzgraph contributors")) in void
    dates = [m.group(1) for path in CONTENT.rglob("*.md")
             for m in [re.search(r"^date:\s*(\S+)\s*$", path.read_text(encoding="utf-8"), re.M)]
             if m]
    assert set(void.objects(DATASET, DCTERMS.modified)) == \
        {Literal(max(dates), datatype=XSD.date)}
    # English and Russian pages, and Kazakhstan's name in Kazakh too
    assert set(void.objects(DATASET, DCTERMS.language)) == \
        {URIRef("http://id.loc.gov/vocabulary/iso639-1/en"),
         URIRef("http://id.loc.gov/vocabulary/iso639-1/kk"),
         URIRef("http://id.loc.gov/vocabulary/iso639-1/ru")}
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {"https://kzgraph.example/ontology#", "http://www.w3.org/2004/02/skos/core#",
            "http://purl.org/dc/terms/"} <= vocabularies
    assert not set(void.objects(DATASET, VOID.sparqlEndpoint)), "none configured"


def test_the_description_has_no_blank_nodes_and_reads_in_oxigraph(built, void):
    assert not any(isinstance(t, BNode) for triple in void for t in triple)
    assert len(list(ox.parse((built / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))) \
        == len(void)


def test_void_counts_equal_sparql_counts_over_the_loaded_store(runner, oxigraph, void):
    oxigraph.clear()
    result = runner.invoke(cli, ["push", "--endpoint", oxigraph.store_url, "-c", str(CONTENT)])
    assert result.exit_code == 0, result.output
    data = ("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g NOT IN ("
            + ", ".join(f"<{g}>" for g in NOT_DATA) + ")) }")

    def count(expression: str, where: str = "") -> int:
        rows = select(oxigraph.query_url,
                      f"SELECT ({expression} AS ?n) WHERE {{ {{ {data} }} {where} }}")
        return int(rows[0]["n"]["value"])

    assert _int(void, DATASET, VOID.triples) == count("COUNT(*)") > 600
    assert _int(void, DATASET, VOID.distinctSubjects) == count("COUNT(DISTINCT ?s)")
    assert _int(void, DATASET, VOID.distinctObjects) == count("COUNT(DISTINCT ?o)")
    assert _int(void, DATASET, VOID.entities) == \
        count("COUNT(DISTINCT ?s)", f'FILTER(STRSTARTS(STR(?s), "{BASE}"))')
    assert _int(void, DATASET, VOID.properties) == count("COUNT(DISTINCT ?p)")
    assert _int(void, DATASET, VOID.classes) == count(
        "COUNT(DISTINCT ?o)", "FILTER(?p = <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>)")

    rows = select(oxigraph.query_url, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {{ {data} }} "
                                      "FILTER(?p = rdf:type) BIND(?o AS ?c) } GROUP BY ?c"
                  .replace("rdf:type", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"))
    per_class = {URIRef(r["c"]["value"]): int(r["n"]["value"]) for r in rows}
    described = {}
    for part in void.objects(DATASET, VOID.classPartition):
        [cls] = void.objects(part, VOID["class"])
        described[cls] = _int(void, part, VOID.entities)
    assert described == per_class

    rows = select(oxigraph.query_url, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {data} }} GROUP BY ?p")
    per_property = {URIRef(r["p"]["value"]): int(r["n"]["value"]) for r in rows}
    described = {}
    for part in void.objects(DATASET, VOID.propertyPartition):
        [prop] = void.objects(part, VOID.property)
        described[prop] = _int(void, part, VOID.triples)
    assert described == per_property


def test_settings_flow_into_the_description(runner, tmp_path, monkeypatch):
    base = "https://data.example.org/kz/"
    (tmp_path / "kzgraph.toml").write_text(
        f'base = "{base}"\ncontent = "{CONTENT}"\n'
        'license = "https://creativecommons.org/publicdomain/zero/1.0/"\n'
        'publisher = "https://example.org/our-team"\n'
        'sparql_endpoint = "https://data.example.org/sparql"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    void = Graph().parse(tmp_path / "out/void.ttl")
    dataset = URIRef(base + "dataset")
    assert set(void.objects(dataset, DCTERMS.license)) == \
        {URIRef("https://creativecommons.org/publicdomain/zero/1.0/")}
    assert set(void.objects(dataset, DCTERMS.publisher)) == {URIRef("https://example.org/our-team")}
    endpoint = URIRef("https://data.example.org/sparql")
    assert set(void.objects(dataset, VOID.sparqlEndpoint)) == {endpoint}
    [service] = void.subjects(DCAT.endpointURL, endpoint)
    assert (service, DCAT.servesDataset, dataset) in void
    assert (dataset, VOID.dataDump, URIRef(base + "kzgraph.nt")) in void
    assert not {s for s in void.subjects() if str(s).startswith(BASE)}, \
        "everything kzgraph mints is minted under the configured base"
    # resources of others (licences, languages, themes, media types) are only typed and labelled
    # there, as DCAT-AP asks
    said_of_others = {p for s, p, _ in void if not str(s).startswith(base)}
    assert said_of_others <= {RDF.type, SKOS.prefLabel, DCTERMS.title, DCTERMS.type,
                              SKOS.inScheme}, said_of_others


def test_a_licence_that_is_not_an_iri_is_refused(runner, tmp_path, monkeypatch):
    (tmp_path / "kzgraph.toml").write_text(f'content = "{CONTENT}"\nlicense = "CC BY 4.0"\n',
                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "The setting 'license' ('CC BY 4.0') must be an absolute http(s) IRI" in result.output
