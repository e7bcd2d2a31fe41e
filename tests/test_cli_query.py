"""`kzgraph query`: saved, inline and file queries, parameters, formats, errors and exit codes."""

from __future__ import annotations

import json
import urllib.request

import pyoxigraph as ox
import pytest

from kzgraph.cli import cli
from kzgraph.query.saved import catalog
from conftest import BASE, CONTENT, replace_in


def invoke(runner, *args: str, **kwargs):
    return runner.invoke(cli, ["query", *args, "--content", str(CONTENT)], **kwargs)


def test_list_shows_every_saved_query(runner):
    result = invoke(runner, "--list", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "title", "parameters"]
    for q in catalog().all():
        line = next(l for l in lines if l.startswith(q.name + " "))
        assert q.title in line
        for p in q.params:
            assert p.describe() in line


def test_saved_query_with_a_parameter(runner):
    result = invoke(runner, "sources-by-category", "--param", "category=independent-media",
                    env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["category", "source", "title", "country"]
    assert lines[2].split() == ["category:independent-media", "<sources/sources/batyr_jamal/>",
                                "Batyr", "Jamal", "country:kz"]
    assert len(lines) == 4
    assert result.stderr == ""


def test_labels_replace_iris(runner):
    result = invoke(runner, "blind-spots", "-p", "category=ingo", "--labels", "--label-lang",
                    "ru", env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()[2:]
    assert len(rows) == 3
    assert all(r.startswith("Международные неправительственные организации (МНПО)")
               for r in rows)
    assert "Местные СМИ" in result.stdout and "category:" not in result.stdout


def test_inline_query_csv(runner):
    result = invoke(runner, "SELECT ?n WHERE { category:ingo skos:prefLabel ?n } ORDER BY ?n",
                    "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8") == (
        "n\r\nInternational NGOs\r\nМеждународные неправительственные организации (МНПО)\r\n")


def test_inline_ask_and_construct(runner):
    yes = invoke(runner, "ASK { <sources/sources/feminita/> kz:category category:local-ngo }")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    graph = invoke(runner, "CONSTRUCT { ?s a kz:Source } WHERE { ?s a kz:Source }",
                   "-f", "nt")
    assert graph.exit_code == 0, graph.output
    assert len(graph.stdout.splitlines()) == 12


def test_json_follows_the_w3c_format(runner):
    result = invoke(runner, "sources-in-language", "-p", "language=kk", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == ["source", "title"]
    assert len(doc["results"]["bindings"]) == 5
    assert doc["results"]["bindings"][0]["title"]["xml:lang"] == "en"
    parsed = list(ox.parse_query_results(result.stdout_bytes, format=ox.QueryResultsFormat.JSON))
    assert len(parsed) == 5


def test_construct_in_jsonld_and_refused_as_csv(runner):
    result = invoke(runner, "source-profile", "-p", "source=kazfem", "-f", "json")
    assert result.exit_code == 0, result.output
    assert "@context" in json.loads(result.stdout)
    refused = invoke(runner, "source-profile", "-f", "csv")
    assert refused.exit_code == 2
    assert "A CONSTRUCT or DESCRIBE query gives a graph: use an RDF format" in refused.stderr


def test_file_with_and_without_header(runner, tmp_path):
    plain = tmp_path / "plain.rq"
    plain.write_text("# my question\nSELECT ?s { ?s kz:category ?c }", encoding="utf-8")
    result = invoke(runner, "--file", str(plain), "-p", "c=x", "-f", "tsv")
    assert result.exit_code == 0, result.output  # undeclared: bound as a plain string
    assert result.stdout == "?s\n"
    with_header = tmp_path / "mine.rq"
    with_header.write_text("# title: Mine\n# description: d\n# params:\n"
                           "#   c: {type: category, doc: a category}\n"
                           "SELECT ?s { ?s kz:category ?c } ORDER BY ?s\n", encoding="utf-8")
    result = invoke(runner, "-F", str(with_header), "-p", "c=local-ngo", "-f", "tsv")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"?s\n<{BASE}sources/sources/feminita/>\n"
                             f"<{BASE}sources/sources/kazfem/>\n")
    unknown = invoke(runner, "-F", str(with_header), "-p", "c=local-ngo", "-p", "d=1")
    assert unknown.exit_code == 2
    assert "Unknown parameter(s) d; this query takes: c." in unknown.stderr


def test_stdin(runner):
    result = invoke(runner, "--file", "-", "-f", "csv",
                    input="SELECT (COUNT(*) AS ?n) { ?s a kz:Perspective }")
    assert (result.exit_code, result.stdout_bytes) == (0, b"n\r\n14\r\n")


def test_no_match_is_not_an_error(runner):
    result = invoke(runner, "sources-by-keyword", "-p", 'text=x" } UNION { ?s ?p ?o } #')
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split() == ["source", "title", "keyword"]
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == "No match.\n"


@pytest.mark.parametrize("args,message", [
    (["no-such-query"], "Error: There is no saved query named 'no-such-query'; 'kzgraph query "
                        "--list' shows them.\n"),
    (["modified-since"], "Error: The parameter 'since' is required: add --param since=VALUE "
                         "(a date, YYYY-MM-DD).\n"),
    (["modified-since", "-p", "since=2023-02-30"], "Error: --param since=2023-02-30: not valid "
                                                   "(day is out of range for month); 'since' "
                                                   "takes a date, YYYY-MM-DD.\n"),
    (["category-source-counts", "-p", "min=many"], "Error: --param min=many: not a whole number;"
                                                   " 'min' takes a whole number.\n"),
    (["describe", "-p", "resource=https://x> } UNION {"], "Error: --param resource=https://x> } "
     "UNION {: 'https://x> } UNION {' is not an IRI: it holds '>', which an IRI may not contain "
     "(percent-encode it); 'resource' takes an IRI (https://...) or a prefixed name such as "
     "kz:Source.\n"),
    (["sources-by-category", "-p", "categry=ingo"], "Error: Unknown parameter(s) categry; this "
                                                    "query takes: category, country, lang.\n"),
    (["sources-by-category", "-p", "category"], "Error: --param 'category': write it as "
                                                "NAME=VALUE (for example --param "
                                                "category=local-ngo).\n"),
    ([], "Error: Give a query, a saved query's name ('kzgraph query --list' shows them) or "
         "--file.\n"),
])
def test_errors_exit_2_with_a_message(runner, args, message):
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_syntax_error_names_line_and_column(runner, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: Broken\n# description: d\nSELECT ?s WHERE {\n  ?s a kz:Source .\n"
                    "  OPTIONAL ?x }\n", encoding="utf-8")
    result = invoke(runner, "--file", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: Syntax error in {path} at line 5, column 12: ")
    assert result.stderr.endswith("    OPTIONAL ?x }\n             ^\n")


def test_show_prints_what_would_be_sent(runner):
    result = invoke(runner, "sources-by-keyword", "-p", 'text=a"b', "--show")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PREFIX kz: <https://kzgraph.example/ontology#> "
                                    "PREFIX dcterms: <http://purl.org/dc/terms/> "
                                    "PREFIX schema: <https://schema.org/> # title: ")
    assert 'WHERE { VALUES ?text { "a\\"b" } VALUES ?lang { "en" } ' in result.stdout


def test_output_file(runner, tmp_path):
    target = tmp_path / "out" / "counts.md"
    result = invoke(runner, "category-source-counts", "-p", "min=1", "-f", "markdown",
                    "-o", str(target))
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "| category | label | sources |"
    assert lines[2] == "| category:government | Government | 4 |"
    assert len(lines) == 2 + 5


def test_data_file_gives_the_same_rows(runner, tmp_path):
    dump = tmp_path / "kzgraph.nq"
    exported = runner.invoke(cli, ["export", "-f", "nq", "-o", str(dump), "-c", str(CONTENT)])
    assert exported.exit_code == 0, exported.output
    from_content = invoke(runner, "guide-mentions", "-f", "tsv")
    from_dump = invoke(runner, "guide-mentions", "-f", "tsv", "--data", str(dump))
    assert from_dump.exit_code == 0, from_dump.output
    assert from_dump.stdout == from_content.stdout
    assert len(from_dump.stdout.splitlines()) == 13


def test_content_with_errors_is_refused(runner, content):
    replace_in(content / "sources" / "feminita" / "index.md", 'categories: ["local-ngo"]',
               'categories: ["local-ngo"]\ncategories: ["ingo"]')
    result = runner.invoke(cli, ["query", "empty-categories", "--content", str(content)])
    assert result.exit_code == 1
    assert "Error: Cannot query: 1 error(s)." in result.stderr


def test_endpoint_option(runner, oxigraph, mapped):
    from kzgraph.formats.writers import serialize
    from kzgraph.formats.registry import get_format

    oxigraph.clear()
    request = urllib.request.Request(
        oxigraph.store_url, method="POST", headers={"Content-Type": "application/n-quads"},
        data=serialize(mapped.dataset, mapped.graph, get_format("nquads")))
    urllib.request.urlopen(request, timeout=30).read()
    url = oxigraph.query_url + "?union-default-graph"
    remote = invoke(runner, "guide-sections", "-p", "lang=ru", "-f", "tsv", "--endpoint", url)
    local = invoke(runner, "guide-sections", "-p", "lang=ru", "-f", "tsv")
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    labelled = invoke(runner, "empty-categories", "--labels", "--endpoint", url,
                      env={"COLUMNS": "200"})
    assert "Social media" in labelled.stdout
    broken = invoke(runner, "SELECT * { ?s ?p }", "--endpoint", url)
    assert broken.exit_code == 2
    assert broken.stderr.startswith(f"Error: The endpoint {url} answered HTTP 400 Bad Request: ")


def test_help_lists_the_options(runner):
    result = runner.invoke(cli, ["query", "--help"])
    assert result.exit_code == 0
    for option in ("--file", "--param", "--format", "--endpoint", "--labels", "--list",
                   "--show", "--data", "--output", "--timeout"):
        assert option in result.output


def test_wheel_carries_the_saved_queries(tmp_path):
    """Installed from a wheel, `kzgraph query --list` finds the saved queries."""
    import os
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path), str(root)], capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("kzgraph-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    probe = ("from kzgraph.query.saved import catalog; c = catalog(); print(c.folder); "
             "print(' '.join(c.names()))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)}, timeout=60)
    assert run.returncode == 0, run.stderr
    folder, names = run.stdout.splitlines()
    assert folder == str(site / "kzgraph" / "_data" / "queries")
    assert names.split() == catalog().names()
