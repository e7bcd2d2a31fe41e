"""``kzgraph validate --format turtle`` writes a SHACL validation report by the spec: every result
names its focus node, severity, source shape and constraint component, the path and value where
the constraint has them, and messages with their language tags; kzgraph's location properties
(``kz:file``, ``kz:line``, ``kz:key``, ``kz:language``) are defined in the ontology. The report
passes the report shapes (tests/shapes/validation-report.ttl) under pyshacl and Jena SHACL, and
our shapes and the report shapes pass the W3C's SHACL-SHACL (tests/vendor/shacl/)."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import tools
from conftest import ROOT, replace_in
from kzgraph.cli import cli
from kzgraph.resources import ontology_file, shapes_file
from kzgraph.vocab import KZ, SH

REPORT_SHAPES = ROOT / "tests" / "shapes" / "validation-report.ttl"
SHACL_SHACL = ROOT / "tests" / "vendor" / "shacl" / "shacl-shacl.ttl"
CONTENT_SHAPE = URIRef("https://kzgraph.example/shapes#ContentShape")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    """The report of a copy of the real content broken in six ways: a page without a title
    (found by mapping), an unknown category, a date that is not one, a malformed Wikidata id,
    a homepage that is not a web address and a source with no Russian version (a
    language-coverage warning)."""
    import shutil

    from click.testing import CliRunner

    from conftest import CONTENT

    work = tmp_path_factory.mktemp("report")
    content = work / "content"
    shutil.copytree(CONTENT, content)
    path = content / "sources/kazfem/index.md"
    path.write_text("".join(line for line in path.read_text(encoding="utf-8")
                            .splitlines(keepends=True) if not line.startswith("title:")),
                    encoding="utf-8")
    replace_in(content / "sources/feminita/index.ru.md", '"local-ngo"', '"local-ngos"')
    replace_in(content / "sources/zakon_kz/index.md", "date: 2023-12-03", "date: 2023-13-45")
    replace_in(content / "sources/feminita/index.md", "title:", "wikidata: \"7817\"\ntitle:")
    replace_in(content / "sources/zakon_kz/index.md", 'homepage: "https://', 'homepage: "ftp://')
    (content / "sources/batyr_jamal/index.ru.md").unlink()
    result = CliRunner().invoke(cli, ["validate", "-c", str(content), "--format", "turtle"])
    assert result.exit_code == 1, result.output
    out = work / "report.ttl"
    out.write_text(result.output, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def report(report_file) -> Graph:
    return Graph().parse(report_file, format="turtle")


def _results(report: Graph) -> list[URIRef]:
    return list(report.objects(None, SH.result))


def test_every_result_names_its_focus_node_shape_and_component(report):
    shapes = Graph().parse(shapes_file(), format="turtle")
    ontology = Graph().parse(ontology_file(), format="turtle")
    results = _results(report)
    assert len(results) >= 5
    components = set()
    for r in results:
        assert len(list(report.objects(r, SH.focusNode))) == 1, r
        [shape] = report.objects(r, SH.sourceShape)
        [component] = report.objects(r, SH.sourceConstraintComponent)
        components.add(component)
        # the shape is one of ours; the component is SHACL's or defined in the ontology
        assert (shape, RDF.type, SH.NodeShape) in shapes or \
            (shape, RDF.type, SH.PropertyShape) in shapes, shape
        assert str(component).startswith(str(SH)) or \
            (component, RDF.type, SH.ConstraintComponent) in ontology, component
        if (shape, RDF.type, SH.PropertyShape) in shapes:
            # a property shape's result has the shape's path
            assert list(report.objects(r, SH.resultPath)) == [shapes.value(shape, SH.path)]
        messages = list(report.objects(r, SH.resultMessage))
        assert messages and all(isinstance(m, Literal) and m.language for m in messages)
        if shape != CONTENT_SHAPE:
            assert {m.language for m in messages} == {"en", "ru"}, messages
    assert {SH.ClassConstraintComponent, SH.DatatypeConstraintComponent,
            SH.NodeKindConstraintComponent, SH.QualifiedMinCountConstraintComponent,
            KZ.ContentConstraintComponent} <= components


def test_problems_found_while_mapping_have_the_file_as_focus(report):
    """The audit found a result without sh:focusNode: a page without a title has no resource
    statement to point at. Its focus is now the file."""
    [r] = [r for r in _results(report)
           if (r, SH.sourceShape, CONTENT_SHAPE) in report
           and (r, KZ.file, Literal("content/sources/kazfem/index.md")) in report
           and (r, KZ.key, Literal("title")) in report]
    assert report.value(r, SH.focusNode) == \
        URIRef("https://kzgraph.example/file/content/sources/kazfem/index.md")


def test_the_language_coverage_warning(report):
    [r] = [r for r in _results(report)
           if (r, SH.sourceConstraintComponent, SH.QualifiedMinCountConstraintComponent) in
           report]
    assert report.value(r, SH.resultSeverity) == SH.Warning
    assert report.value(r, SH.focusNode) == \
        URIRef("https://kzgraph.example/sources/sources/batyr_jamal/")
    assert report.value(r, SH.sourceShape) == \
        URIRef("https://kzgraph.example/shapes#SourceTitleIn-ru")


def test_the_location_properties_are_defined_in_the_ontology(report):
    ontology = Graph().parse(ontology_file(), format="turtle")
    used = {p for p in report.predicates() if str(p).startswith(str(KZ))}
    assert used >= {KZ.file, KZ.line, KZ.key}
    for p in used:
        assert (p, RDF.type, OWL.DatatypeProperty) in ontology, p
        assert list(ontology.objects(p, RDFS.label)), p


def test_the_report_passes_the_report_shapes_in_pyshacl(report):
    conforms, _, text = pyshacl.validate(report, shacl_graph=Graph().parse(REPORT_SHAPES),
                                         inference="none", advanced=False)
    assert conforms, text


def test_our_shapes_and_the_report_shapes_pass_shacl_shacl_in_pyshacl():
    shsh = Graph().parse(SHACL_SHACL, format="turtle")
    for path in (shapes_file(), REPORT_SHAPES):
        conforms, _, text = pyshacl.validate(Graph().parse(path, format="turtle"),
                                             shacl_graph=shsh, inference="none")
        assert conforms, f"{path.name}: {text}"


def test_jena_shacl_agrees(report_file, tmp_path):
    """Jena SHACL: the report passes the report shapes; our shapes pass SHACL-SHACL."""
    tools.need(tools.jena_installed(), "Apache Jena (with java)", tools.APT_HINT)
    classpath = tools.jena_classpath(tmp_path / "jena")
    runs = tools.jena_batch(classpath, [
        tools.jena_shacl(REPORT_SHAPES, report_file),
        tools.jena_shacl(SHACL_SHACL, shapes_file()),
        tools.jena_shacl(SHACL_SHACL, REPORT_SHAPES),
    ], tmp_path / "work")
    for run in runs:
        assert run.returncode == 0, run.explain()
        verdict = Graph().parse(data=run.stdout, format="turtle")
        [conforms] = verdict.objects(None, SH.conforms)
        assert conforms.toPython() is True, run.stdout[:3000]


def test_a_report_read_back_from_the_cache_equals_a_fresh_one(tmp_path):
    """A rebuild takes every result's detail (shape, component, path, value, the messages in
    each language) from the cache, where it is kept as plain strings and made into RDF terms
    only when a report asks for them: the report must come out the same, typed and
    language-tagged values included."""
    import shutil

    from click.testing import CliRunner

    from conftest import CONTENT

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    replace_in(content / "sources/zakon_kz/index.md", "date: 2023-12-03", "date: 2023-13-45")
    replace_in(content / "sources/zakon_kz/index.md", 'homepage: "https://', 'homepage: "ftp://')
    (content / "sources/batyr_jamal/index.ru.md").unlink()
    args = ["validate", "-c", str(content), "--format", "turtle", "--cache", str(tmp_path / "c")]
    fresh = CliRunner().invoke(cli, args)
    again = CliRunner().invoke(cli, args)
    assert fresh.exit_code == again.exit_code == 1, fresh.output
    assert again.output == fresh.output
    report = Graph().parse(data=again.output, format="turtle")
    assert Literal("2023-13-45") in set(report.objects(None, SH.value))
    assert {m.language for m in report.objects(None, SH.resultMessage)} >= {"en", "ru"}
