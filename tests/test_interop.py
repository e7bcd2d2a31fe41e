"""Every published format is read by at least two RDF implementations that are not rdflib, and
each reads exactly the statements we built: raptor (``rapper``), Apache Jena RIOT in strict mode,
the Oxigraph CLI, and pyld for JSON-LD.

The real content is built once with ``kzgraph build``; each file is handed to each reader, whose
output is compared as a set of canonical N-Triples/N-Quads statements with the graph kzgraph
mapped (or, for N-Quads and TriG, the dataset it publishes). Jena does not read JSON-LD here: Debian's Jena 4.5
has no JSON-LD 1.1 reader that starts (no JSON-P provider), and its 1.0 reader rightly refuses
our ``"@version": 1.1`` context.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

import tools
from conftest import BASE, CONTENT
from kzgraph.config import Settings
from kzgraph.formats.registry import FORMATS
from kzgraph.engine.pipeline import DATA_STEM, build, load_and_map, published_dataset

#: which independent implementations read which format
READERS: dict[str, tuple[str, ...]] = {
    "turtle": ("rapper", "jena", "oxigraph"),
    "ntriples": ("rapper", "jena", "oxigraph"),
    "nquads": ("rapper", "jena", "oxigraph"),
    "trig": ("rapper", "jena", "oxigraph"),
    "xml": ("rapper", "jena", "oxigraph"),
    "jsonld": ("pyld", "oxigraph"),
}
JENA_FORMATS = [f for f, readers in READERS.items() if "jena" in readers]
BAD_TAG = '<https://x.example/s> <https://x.example/p> "x"@en-123456789 .\n'
BAD_DATE = ('<https://x.example/s> <https://x.example/p> '
            '"2023-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n')
CASES = [(fmt, reader) for fmt, readers in READERS.items() for reader in readers]


class Published:
    """The built folder and the statements we expect every reader to find in each file."""

    def __init__(self, folder: Path, graph: Graph, dataset: Dataset) -> None:
        self.folder = folder
        self.graph = tools.graph_statements(graph)
        self.dataset = tools.dataset_statements(dataset)

    def path(self, fmt: str) -> Path:
        extension = next(f.extension for f in FORMATS if f.name == fmt)
        return self.folder / f"{DATA_STEM}.{extension}"

    def expected(self, fmt: str) -> set[tools.Statement]:
        return self.dataset if next(f for f in FORMATS if f.name == fmt).dataset else self.graph


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Published:
    folder = tmp_path_factory.mktemp("interop") / "public"
    settings = Settings(base=BASE, content=CONTENT)
    build(settings, folder)
    result = load_and_map(settings)
    return Published(folder, result.mapped.graph, published_dataset(result, settings))


@pytest.fixture(scope="session")
def jena_classpath(tmp_path_factory) -> str:
    tools.need(tools.jena_installed(), "Apache Jena (with java)", tools.APT_HINT)
    return tools.jena_classpath(tmp_path_factory.mktemp("jena-cache"))


@pytest.fixture(scope="session")
def jena_runs(published, jena_classpath, tmp_path_factory) -> dict[str, tools.Run]:
    """Jena's answers for every file, from one JVM: a strict ``--validate`` over all the files,
    a strict conversion of each, and a ``--validate`` of two bad files (which must fail)."""
    work = tmp_path_factory.mktemp("jena-interop")
    bad_tag, bad_date = work / "tag.nt", work / "date.nt"
    bad_tag.write_text(BAD_TAG, encoding="utf-8")
    bad_date.write_text(BAD_DATE, encoding="utf-8")
    commands = {"validate": tools.riot_validate([published.path(f) for f in JENA_FORMATS]),
                "bad": tools.riot_validate([bad_tag, bad_date])}
    commands.update({f: tools.riot_convert(published.path(f), f) for f in JENA_FORMATS})
    runs = tools.jena_batch(jena_classpath, list(commands.values()), work / "batch")
    return dict(zip(commands, runs))


def test_every_format_has_two_independent_readers():
    assert set(READERS) == {f.name for f in FORMATS}
    assert all(len(set(readers)) >= 2 for readers in READERS.values()), READERS


def test_the_published_data_has_no_blank_nodes_and_both_shapes(published):
    # the dataset formats carry more: some statements are repeated in several named graphs
    assert 500 < len(published.graph) < len(published.dataset)
    assert all(len(s) == 4 for s in published.dataset)


def _read(published: Published, fmt: str, reader: str, jena_runs=None) -> set[tools.Statement]:
    path = published.path(fmt)
    if reader == "rapper":
        tools.need(tools.rapper(), "raptor's rapper", tools.APT_HINT)
        done = tools.rapper_read(path, fmt)
    elif reader == "oxigraph":
        tools.need(tools.oxigraph(), "the oxigraph CLI", "pip install -e '.[test]'")
        done = tools.oxigraph_read(path, fmt)
    elif reader == "jena":
        done = jena_runs[fmt]
        assert "WARN" not in done.stderr and "ERROR" not in done.stderr, done.explain()
    elif reader == "pyld":
        tools.need(tools.pyld_available(), "pyld", "pip install -e '.[test]'")
        return tools.read_lines(tools.pyld_read(path.read_bytes()), "pyld")
    else:
        raise AssertionError(reader)
    assert done.returncode == 0, done.explain()
    return tools.read_lines(done.stdout, reader)


@pytest.mark.parametrize(("fmt", "reader"), CASES, ids=[f"{f}-{r}" for f, r in CASES])
def test_reader_finds_exactly_our_statements(published, fmt, reader, request):
    jena_runs = request.getfixturevalue("jena_runs") if reader == "jena" else None
    theirs = _read(published, fmt, reader, jena_runs)
    ours = published.expected(fmt)
    assert theirs == ours, tools.difference(ours, theirs, f"{reader} reading {fmt}")


def test_jena_strict_validation_passes_every_file(jena_runs):
    validate = jena_runs["validate"]
    assert validate.returncode == 0, validate.explain()
    assert "WARN" not in validate.stderr and "ERROR" not in validate.stderr, validate.explain()


# ---- the readers are strict: each rejects what it should --------------------------------------

def test_jena_rejects_a_bad_language_tag_and_an_impossible_date(jena_runs):
    done = jena_runs["bad"]
    assert done.returncode == 1, done.explain()
    assert "Language not valid: en-123456789" in done.stderr, done.explain()
    assert "'2023-02-30' not valid for datatype XSD date" in done.stderr, done.explain()


def test_rapper_and_oxigraph_reject_broken_turtle(tmp_path):
    tools.need(tools.rapper(), "raptor's rapper", tools.APT_HINT)
    tools.need(tools.oxigraph(), "the oxigraph CLI", "pip install -e '.[test]'")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://x.example/s> <https://x.example/p> \"unterminated .\n",
                      encoding="utf-8")
    assert tools.rapper_read(broken, "turtle").returncode != 0
    assert tools.oxigraph_read(broken, "turtle").returncode != 0


def test_pyld_never_fetches_a_remote_context(published):
    tools.need(tools.pyld_available(), "pyld", "pip install -e '.[test]'")
    from pyld import jsonld

    document = json.loads(published.path("jsonld").read_bytes())
    document["@context"] = ["https://kzgraph.example/context.jsonld", document["@context"]]
    remote = json.dumps(document)
    with pytest.raises(jsonld.JsonLdError) as caught:
        tools.pyld_read(remote.encode("utf-8"))
    causes, error = [], caught.value
    while error is not None:
        causes.append(error)
        error = getattr(error, "cause", None) or error.__cause__ or error.__context__
    assert any(isinstance(c, tools.RemoteContextRefused) for c in causes), causes


def test_oxigraph_refuses_a_remote_context(tmp_path, published):
    tools.need(tools.oxigraph(), "the oxigraph CLI", "pip install -e '.[test]'")
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "https://kzgraph.example/context.jsonld", '
                    '"@id": "https://x.example/s", "title": "x"}', encoding="utf-8")
    done = tools.oxigraph_read(path, "jsonld")
    assert done.returncode != 0, done.stdout


def test_canonical_form_decodes_escapes_and_tag_case():
    # what rapper writes for "Казахстан"@ru and what Oxigraph writes for a tag in lower case
    rapper_line = ('<https://x.example/s> <https://x.example/p> '
                   '"\\u041A\\u0430\\u0437\\u0430\\u0445\\u0441\\u0442\\u0430\\u043D"@RU .')
    plain = '<https://x.example/s> <https://x.example/p> "Казахстан"@ru .'
    assert tools.read_lines(rapper_line) == tools.read_lines(plain)
    typed = ('<https://x.example/s> <https://x.example/p> '
             '"a"^^<http://www.w3.org/2001/XMLSchema#string> .')
    assert tools.read_lines(typed) == tools.read_lines(
        '<https://x.example/s> <https://x.example/p> "a" .')
    with pytest.raises(AssertionError, match="blank node"):
        tools.read_lines('_:b0 <https://x.example/p> "a" .')
