"""PROV-O provenance: each page graph names its file, its contributors and the build; the build
carries the commit and time from git or SOURCE_DATE_EPOCH, never from the wall clock."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS, XSD

from kzgraph.cli import cli
from kzgraph.errors import ConfigError
from kzgraph.graph.provenance import BuildInfo, build_info
from conftest import BASE, ROOT, replace_in
from rdfcheck import rdflib_quads

KZ = "https://kzgraph.example/ontology#"
SOURCE_FILE, SOURCE_COMMIT = URIRef(KZ + "sourceFile"), URIRef(KZ + "sourceCommit")
PROVENANCE = URIRef(BASE + "graph/provenance")
ONTOLOGY = URIRef(BASE + "graph/ontology")
FOLDERS = ("guides", "sources", "categories", "perspectives")
WHEN = "2024-05-06T07:08:09+00:00"


def git(repo: Path, *args: str, when: str = WHEN) -> str:
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "PATH": "/usr/bin:/bin",
           "HOME": str(repo)}
    run = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c",
                          "user.email=test@example.org", *args], capture_output=True, text=True,
                         env=env, check=True)
    return run.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, content: Path) -> Path:
    """The copied content inside a fresh git repository, committed at WHEN."""
    target = tmp_path / "repo"
    target.mkdir()
    content.rename(target / "content")
    (target / "README.md").write_text("not content\n")
    git(target, "init", "-q")
    git(target, "add", ".")
    git(target, "commit", "-q", "-m", "content")
    return target


def export_nq(runner, content: Path, epoch: str | None = None) -> bytes:
    result = runner.invoke(cli, ["export", "-f", "nq", "-c", str(content)],
                           env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def graph_of(quads: set[tuple], name: URIRef) -> Graph:
    g = Graph()
    for s, p, o, c in quads:
        if c == name:
            g.add((s, p, o))
    return g


def page_files(content: Path) -> dict[URIRef, str]:
    """Graph IRI -> file path as kzgraph shows it, worked out from the file names alone."""
    out = {}
    for path in sorted(content.glob("*/*/index*.md")):
        folder, slug = path.parent.parent.name, path.parent.name
        m = re.fullmatch(r"index(?:\.(\w+))?\.md", path.name)
        lang = m.group(1) or "en"
        out[URIRef(f"{BASE}graph/{folder}/{slug}/{lang}")] = \
            path.relative_to(content.parent).as_posix()
    return out


def test_build_info_without_git_or_epoch_has_no_time(tmp_path):
    assert build_info(tmp_path, environ={}) == BuildInfo(commit=None, time=None)


def test_source_date_epoch_gives_the_time(tmp_path):
    info = build_info(tmp_path, environ={"SOURCE_DATE_EPOCH": "1700000000"})
    assert info.commit is None
    assert info.time == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)


def test_a_bad_source_date_epoch_is_refused(tmp_path, runner, content):
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH='yesterday'"):
        build_info(tmp_path, environ={"SOURCE_DATE_EPOCH": "yesterday"})
    result = runner.invoke(cli, ["export", "-f", "nq", "-c", str(content)],
                           env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2
    assert "is not a number of seconds since 1970-01-01 UTC" in result.output


def test_git_gives_the_last_commit_that_touched_the_content(repo):
    sha = git(repo, "rev-parse", "HEAD")
    info = build_info(repo / "content", environ={})
    assert info.commit == sha
    assert info.time == dt.datetime.fromisoformat(WHEN)
    # a later commit that does not touch the content changes nothing
    (repo / "README.md").write_text("changed\n")
    git(repo, "commit", "-q", "-am", "docs", when="2025-01-01T00:00:00+00:00")
    assert build_info(repo / "content", environ={}) == info
    # SOURCE_DATE_EPOCH overrides the time, not the commit
    assert build_info(repo / "content", environ={"SOURCE_DATE_EPOCH": "0"}).time == \
        dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def test_uncommitted_changes_have_no_commit(repo):
    replace_in(repo / "content/sources/feminita/index.md", 'title: "Feminita"', 'title: "F"')
    assert build_info(repo / "content", environ={}).commit is None
    assert build_info(repo / "content", environ={}).time is None
    git(repo, "commit", "-q", "-am", "retitle", when="2024-06-01T00:00:00+00:00")
    assert build_info(repo / "content", environ={}).time == \
        dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)


def test_every_page_graph_says_its_file_contributors_and_build(runner, repo):
    content = repo / "content"
    quads = rdflib_quads(export_nq(runner, content), "nquads")
    prov = graph_of(quads, PROVENANCE)
    files = page_files(content)
    assert len(files) > 50
    [build] = set(prov.subjects(RDF.type, PROV.Activity))
    assert str(build).startswith(BASE + "build/")
    assert set(prov.objects(build, SOURCE_COMMIT)) == {Literal(git(repo, "rev-parse", "HEAD"))}
    when = Literal(WHEN, datatype=XSD.dateTime)
    assert set(prov.objects(build, PROV.endedAtTime)) == {when}
    for graph_iri, rel in files.items():
        assert (graph_iri, RDF.type, PROV.Entity) in prov
        assert set(prov.objects(graph_iri, SOURCE_FILE)) == {Literal(rel)}
        assert (repo / rel).is_file()
        assert set(prov.objects(graph_iri, PROV.wasGeneratedBy)) == {build}
        front = yaml.safe_load((repo / rel).read_text(encoding="utf-8").split("---")[1])
        people = {URIRef(BASE + "people/" + "-".join(re.findall(r"[^\W_]+", n.casefold()))): n
                  for n in front.get("contributor") or []}
        assert set(prov.objects(graph_iri, PROV.wasAttributedTo)) == set(people), rel
        for person, name in people.items():
            assert (person, FOAF.name, Literal(name), URIRef(BASE + "graph/reference")) \
                in quads, "the person is described once, in the reference graph"
    attributed = {s for s in prov.subjects(PROV.wasAttributedTo, None)}
    assert attributed, "the guide names a contributor"
    for other in (URIRef(BASE + "graph/reference"), ONTOLOGY):
        assert set(prov.objects(other, PROV.wasGeneratedBy)) == {build}


def test_provenance_stays_out_of_the_page_graphs(runner, content):
    quads = rdflib_quads(export_nq(runner, content), "nquads")
    prov_terms = {SOURCE_FILE, SOURCE_COMMIT} | {p for _, p, _, _ in quads if p in PROV}
    assert prov_terms
    assert {g for _, p, _, g in quads if p in prov_terms} == {PROVENANCE}
    assert not any(isinstance(t, BNode) for q in quads for t in q)


def test_outside_git_and_without_epoch_there_is_no_time(runner, content):
    prov = graph_of(rdflib_quads(export_nq(runner, content), "nquads"), PROVENANCE)
    assert not set(prov.subject_objects(PROV.endedAtTime))
    assert not set(prov.subject_objects(PROV.generatedAtTime))
    assert not set(prov.subject_objects(SOURCE_COMMIT))
    prov = graph_of(rdflib_quads(export_nq(runner, content, epoch="1700000000"), "nquads"),
                    PROVENANCE)
    assert set(prov.objects(None, PROV.endedAtTime)) == \
        {Literal("2023-11-14T22:13:20+00:00", datatype=XSD.dateTime)}


def test_the_build_iri_follows_the_content(runner, content):
    def build_of(data: bytes) -> URIRef:
        prov = graph_of(rdflib_quads(data, "nquads"), PROVENANCE)
        [build] = set(prov.subjects(RDF.type, PROV.Activity))
        return build

    first = export_nq(runner, content)
    assert export_nq(runner, content) == first
    replace_in(content / "sources/feminita/index.md", 'title: "Feminita"', 'title: "F"')
    assert build_of(export_nq(runner, content)) != build_of(first)


def test_the_ontology_graph_is_the_shipped_ontology(runner, content):
    quads = rdflib_quads(export_nq(runner, content), "nquads")
    shipped = Graph().parse(ROOT / "ontology/kzgraph.ttl")
    assert set(graph_of(quads, ONTOLOGY)) == set(shipped)


def test_the_ontology_declares_the_new_properties():
    onto = Graph().parse(ROOT / "ontology/kzgraph.ttl")
    for prop in (SOURCE_FILE, SOURCE_COMMIT):
        for what in (RDFS.label, RDFS.comment):
            assert {o.language for o in onto.objects(prop, what)} >= {"en", "ru"}, (prop, what)
        assert (prop, RDFS.isDefinedBy, URIRef("https://kzgraph.example/ontology")) in onto


def _prov_document(graph: Graph):
    """The provenance graph as the ``prov`` library (W3C PROV-DM, PROV-O reader) reads it. It
    needs every IRI as a qualified name: each folder of IRIs gets a prefix."""
    from prov.model import ProvDocument

    folders = {str(n)[:max(str(n).rfind("/"), str(n).rfind("#")) + 1]
               for triple in graph for n in triple if isinstance(n, URIRef)}
    for number, folder in enumerate(sorted(folders)):
        graph.bind(f"n{number}", folder, override=False)
    import warnings

    with warnings.catch_warnings():  # it lists what PROV-DM has no place for (the checksums)
        warnings.filterwarnings("ignore", "The following attributes were not converted")
        return ProvDocument.deserialize(content=graph.serialize(format="turtle"),
                                        format="rdf", rdf_format="turtle")


def test_a_provenance_tool_follows_each_graph_to_its_file_the_build_and_the_commit(runner, repo):
    """The audit found no prov:used, no agent and no derivation, and the files and the commit
    as plain literals. The ``prov`` library now follows each page graph to the file it was
    derived from (an entity with its path and SHA-256), the build that used the file and the
    commit, and the software agent the build is associated with."""
    import hashlib

    from prov.model import (ProvActivity, ProvAssociation, ProvDerivation, ProvEntity,
                            ProvUsage)

    quads = rdflib_quads(export_nq(runner, repo / "content"), "nquads")
    prov_graph = graph_of(quads, PROVENANCE)
    doc = _prov_document(prov_graph)
    records = doc.get_records()
    iri = lambda q: URIRef(q.uri)  # noqa: E731
    derived = {iri(r.formal_attributes[0][1]): iri(r.formal_attributes[1][1])
               for r in records if isinstance(r, ProvDerivation)}
    used = {iri(r.formal_attributes[1][1]) for r in records if isinstance(r, ProvUsage)}
    entities = {iri(r.identifier) for r in records if isinstance(r, ProvEntity)}
    [activity] = [iri(r.identifier) for r in records if isinstance(r, ProvActivity)]
    [association] = [r for r in records if isinstance(r, ProvAssociation)]
    assert iri(association.formal_attributes[0][1]) == activity
    agent = iri(association.formal_attributes[1][1])
    assert (agent, RDF.type, PROV.SoftwareAgent) in prov_graph
    files = page_files(repo / "content")
    assert set(derived) == set(files)
    sha = git(repo, "rev-parse", "HEAD")
    assert URIRef(f"{BASE}commit/{sha}") in used & entities
    spdx = "http://spdx.org/rdf/terms#"
    for graph_iri, rel in files.items():
        file = derived[graph_iri]
        assert file in used and file in entities
        assert (file, URIRef(KZ + "path"), Literal(rel)) in prov_graph
        [checksum] = prov_graph.objects(file, URIRef(spdx + "checksum"))
        [value] = prov_graph.objects(checksum, URIRef(spdx + "checksumValue"))
        expected = hashlib.sha256((repo / rel).read_bytes()).hexdigest()
        assert str(value) == expected and value.datatype == XSD.hexBinary


# -- a page's provenance written from strings (provenance.source_nquads) -------------------------

def _general_nquads(sources, graph) -> str:
    from kzgraph.formats.writers import chunk_texts
    from kzgraph.graph.provenance import source_triples

    return chunk_texts({graph: [t for s in sources for t in source_triples(s)]},
                       ["nquads"])["nquads"]


def test_page_provenance_from_strings_is_the_general_encoders(tmp_path):
    """The N-Quads a build writes of each part's page provenance, made from strings, are the
    bytes the general code writes through rdflib terms: on every part of the content and of a
    heavy generated corpus, and on odd paths, several pages, no checksum and contributors."""
    from benchmarks.generate import generate
    from conftest import CONTENT
    from kzgraph.config import Settings
    from kzgraph.content.load import load_files
    from kzgraph.engine.parts import known_slugs, plan
    from kzgraph.graph.mapping import map_content
    from kzgraph.graph.provenance import Source, page_sources, source_nquads

    generated = tmp_path / "content"
    generate(generated, 400, seed=3, profile="heavy")
    compared = 0
    for root in (CONTENT, generated):
        settings = Settings(content=root)
        parts, _, _ = plan(root)
        known = known_slugs(parts, root)
        for part in parts:
            content = load_files(part.files, root)
            mapped = map_content(content, settings, known)
            sources = page_sources(mapped, content.pages)
            graph = mapped.minter.graph("provenance")
            assert source_nquads(sources, graph) == _general_nquads(sources, graph)
            compared += len(sources)
    assert compared > 400
    base = "https://kzgraph.example/"
    g = URIRef(base + "graph/sources/x/en")
    people = (URIRef(base + "people/b"), URIRef(base + "people/a"))
    odd = [Source(g, 'content/sources/x "y"\\z/index.md', people, "ab" * 32),
           Source(URIRef(base + "graph/sources/ж/ru"), "content/sources/ж #1/index.ru.md"),
           Source(g, "content/a\nb\rc.md", (), "0f" * 32),
           Source(g, "content/sources/x/index.md", people[:1], "cd" * 32),
           Source(g, "content/sources/x/index.md", people[:1], "cd" * 32)]
    for n in range(len(odd) + 1):
        graph = URIRef(base + "graph/provenance")
        assert source_nquads(odd[:n], graph) == _general_nquads(odd[:n], graph)
