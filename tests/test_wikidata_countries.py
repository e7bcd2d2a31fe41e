"""Each Country links to its Wikidata item: the vendored table (content/wikidata/countries.tsv),
the script that makes it from sources compared code by code (scripts/wikidata-countries.py),
and the link in the built graph, read back by two RDF parsers."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pycountry
import pytest
from conftest import BASE, CONTENT, ROOT
from rdflib import Dataset, URIRef

from kzgraph.cli import cli
from kzgraph.content.countries import WIKIDATA_TABLE, parse_wikidata_table, wikidata_id
from kzgraph.errors import ConfigError
from kzgraph.graph.reference import country_links
from kzgraph.vocab import KZ, RDF, SKOS, WIKIDATA

KAZAKHSTAN = URIRef(BASE + "country/kz")
#: items the three sources of the table (and conzept's list) all give, checked one by one
SPOT_CHECKS = {"KZ": "Q232", "RU": "Q159", "CN": "Q148", "KG": "Q813", "UZ": "Q265",
               "TJ": "Q863", "TM": "Q874", "US": "Q30", "DE": "Q183", "FR": "Q142",
               "GB": "Q145", "TW": "Q865", "GL": "Q223", "FO": "Q4628"}


def _script():
    """scripts/wikidata-countries.py as a module (its name has a hyphen)."""
    path = ROOT / "scripts" / "wikidata-countries.py"
    spec = importlib.util.spec_from_file_location("wikidata_countries_script", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table() -> dict[str, str]:
    return parse_wikidata_table(WIKIDATA_TABLE.read_text(encoding="utf-8"))


def test_the_table_holds_valid_codes_and_items_once_each(table):
    assert len(table) == 248
    assert all(pycountry.countries.get(alpha_2=code) is not None for code in table)
    assert all(re.fullmatch(r"Q[1-9][0-9]*", item) for item in table.values())
    assert len(set(table.values())) == len(table), "one item, one country"


def test_the_table_is_sorted_and_written_as_the_script_writes_it(table):
    """Diffable: one code a line in order, nothing the script would not write."""
    assert WIKIDATA_TABLE.read_text(encoding="utf-8") == _script().render(table)


def test_spot_checks_and_the_settled_cases(table):
    assert {code: table[code] for code in SPOT_CHECKS} == SPOT_CHECKS
    # settled by hand (README.md beside the table): Denmark itself, the Dutch kingdom, and no
    # link for Antarctica, whose ISO extent (south of 60° S) is neither Wikidata item
    assert (table["DK"], table["NL"], table.get("AQ")) == ("Q35", "Q29999", None)
    assert wikidata_id("kz") == "Q232" and wikidata_id("AQ") is None


def test_every_country_but_antarctica_has_an_item(table):
    assert {c.alpha_2 for c in pycountry.countries} - set(table) == {"AQ"}


def test_a_new_table_empties_the_cache(monkeypatch):
    """A new table must empty the build cache, as new code does: the fingerprint hashes it."""
    from kzgraph.engine.cachedirs import _code_fingerprint

    before = _code_fingerprint.__wrapped__()
    read_bytes = Path.read_bytes

    def edited(path: Path) -> bytes:
        data = read_bytes(path)
        return data.replace(b"KZ\tQ232", b"KZ\tQ233") if path == WIKIDATA_TABLE else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert _code_fingerprint.__wrapped__() != before


def test_the_licences_and_the_provenance_note_are_beside_the_table():
    folder = WIKIDATA_TABLE.parent
    assert "ISC License" in (folder / "LICENSE-country-coder.md").read_text(encoding="utf-8")
    assert "MIT License" in (folder / "LICENSE-owid-grapher.md").read_text(encoding="utf-8")
    note = (folder / "README.md").read_text(encoding="utf-8")
    for code in _script().RESOLVED:
        assert f"\n| {code} |" in note, f"{code} is settled in the script but not in the note"
    assert "c7402d12e25bd1d45f5bd7d66cfc083342a1ed96" in note


@pytest.mark.parametrize("text,error", [
    ("KZ Q232\n", "t.tsv, line 1: 'KZ Q232' is not an ISO 3166-1 alpha-2 code, a tab"),
    ("# c\nKZ\tQ0232\n", "t.tsv, line 2: 'KZ\tQ0232' is not"),
    ("kz\tQ232\n", "t.tsv, line 1: 'kz\tQ232' is not"),
    ("XK\tQ1246\n", "t.tsv, line 1: 'XK' is not an ISO 3166-1 alpha-2 code."),
    ("KZ\tQ232\nRU\tQ159\nKZ\tQ1\n", "t.tsv, line 3: KZ is given again (first on line 1)."),
    ("KZ\tQ232\n\nRU\tQ232\n",
     ("t.tsv, line 3: Q232 is already the item of another country (line 1); one item, "
      "one country.")),
])
def test_a_broken_table_is_refused_with_its_line(text, error):
    with pytest.raises(ConfigError) as caught:
        parse_wikidata_table(text, "t.tsv")
    assert str(caught.value).startswith(error)


def test_the_script_takes_what_the_sources_agree_on():
    script = _script()
    table, used = script.merge({"KZ", "RU", "FO"}, {"KZ": "Q232", "RU": "Q159"},
                               {"KZ": "Q232", "RU": "Q159"}, {"KZ": "Q232"}, resolved={})
    assert (table, used) == ({"KZ": "Q232", "RU": "Q159"}, {})
    assert script.render(table).endswith("KZ\tQ232\nRU\tQ159\n")


@pytest.mark.parametrize("coder,owid,check,resolved,error", [
    ({"KZ": "Q232"}, {"KZ": "Q233"}, {}, {},
     "KZ: the sources say ('Q232', 'Q233', None) (country-coder, OWID, check): settle it"),
    ({"KZ": "Q232"}, {"KZ": "Q232"}, {"KZ": "Q9"}, {},
     "KZ: the sources say ('Q232', 'Q232', 'Q9')"),
    ({"KZ": "Q232"}, {}, {}, {}, "KZ: the sources say ('Q232', None, None)"),
    ({"KZ": "Q232"}, {"KZ": "Q232"}, {}, {"KZ": ("Q232", ("Q232", "Q1", None))},
     "KZ: the sources now say ('Q232', 'Q232', None), not ('Q232', 'Q1', None)"),
    ({"KZ": "Q232"}, {"KZ": "Q232"}, {}, {"KZ": ("Q232", ("Q232", "Q232", None))},
     "KZ: the sources agree now; remove its resolution"),
    ({"KZ": "Q232", "RU": "Q232"}, {"KZ": "Q232", "RU": "Q232"}, {}, {},
     "Q232 is the item of KZ and RU: one item, one country"),
    ({"KZ": "232"}, {"KZ": "232"}, {}, {}, "KZ: '232' is not a Wikidata item identifier"),
    ({}, {}, {}, {"XK": (None, (None, None, None))},
     "XK: resolved, but not an ISO 3166-1 code pycountry knows"),
])
def test_the_script_stops_on_what_no_one_settled(coder, owid, check, resolved, error):
    script = _script()
    settled = {code: script.Resolution(item, seen, "why") for code, (item, seen) in
               resolved.items()}
    with pytest.raises(script.SourceError) as caught:
        script.merge({"KZ", "RU"}, coder, owid, check, resolved=settled)
    assert error in str(caught.value)


def test_a_resolution_decides_and_may_leave_a_country_without_a_link():
    script = _script()
    settled = {"DK": script.Resolution("Q35", ("Q756617", "Q35", "Q35"), "Denmark itself"),
               "AQ": script.Resolution(None, ("Q51", "Q21590062", "Q51"), "neither")}
    table, used = script.merge({"DK", "AQ"}, {"DK": "Q756617", "AQ": "Q51"},
                               {"DK": "Q35", "AQ": "Q21590062"}, {"DK": "Q35", "AQ": "Q51"},
                               resolved=settled)
    assert table == {"DK": "Q35"} and used == settled


def test_the_script_writes_the_table_from_files(tmp_path, capsys):
    """The command a future update runs, on small files of the three sources' shapes."""
    (tmp_path / "borders.json").write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"properties": {"wikidata": "Q232", "iso1A2": "KZ"}},'
        '{"properties": {"wikidata": "Q21", "nameEn": "England"}}]}', encoding="utf-8")
    (tmp_path / "owid.ts").write_text(
        "export const countriesRegionsCsv = `code,name,iso_alpha2,wikidata_uri\n"
        "KAZ,Kazakhstan,KZ,http://www.wikidata.org/entity/Q232\nOWID_X,Somewhere,,\n`\n",
        encoding="utf-8")
    (tmp_path / "check.csv").write_text("id,name,iso2,wikiDataId\n1,Kazakhstan,KZ,Q232\n",
                                        encoding="utf-8")
    out = tmp_path / "countries.tsv"
    script = _script()
    code = script.main(["--country-coder", str(tmp_path / "borders.json"),
                        "--owid", str(tmp_path / "owid.ts"),
                        "--check", str(tmp_path / "check.csv"), "--output", str(out)])
    printed = capsys.readouterr()
    # pycountry's other countries are in none of these files: the real resolutions are stale
    assert code == 1 and not out.exists()
    assert "DK: the sources now say (None, None, None)" in printed.err
    script.RESOLVED.clear()
    assert script.main(["--country-coder", str(tmp_path / "borders.json"),
                        "--owid", str(tmp_path / "owid.ts"),
                        "--check", str(tmp_path / "check.csv"), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == script.HEADER + "KZ\tQ232\n"
    assert "1 of 249 pycountry codes have an item" in capsys.readouterr().out


def test_country_links_end_with_the_wikidata_item():
    assert country_links("KZ")[-1] == WIKIDATA["Q232"]
    assert not any(str(link).startswith(str(WIKIDATA)) for link in country_links("AQ"))


def test_the_built_graph_links_its_countries_and_parsers_read_it_back(runner, tmp_path):
    """The seed content's build: every Country has its Wikidata item, read back from the
    published files by rdflib and by Oxigraph."""
    import pyoxigraph

    out = tmp_path / "public"
    result = runner.invoke(cli, ["build", "-c", str(CONTENT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ds = Dataset(default_union=True)
    ds.parse(out / "kzgraph.trig", format="trig")
    countries = set(ds.subjects(RDF.type, KZ.Country))
    assert KAZAKHSTAN in countries
    for country in countries:
        code = str(country).rsplit("/", 1)[1]
        assert (country, SKOS.exactMatch, WIKIDATA[wikidata_id(code)]) in ds, code
    store = pyoxigraph.Store()
    store.load(path=str(out / "kzgraph.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    query = (f"SELECT ?item WHERE {{ GRAPH ?g {{ <{KAZAKHSTAN}> <{SKOS.exactMatch}> ?item "
             f"FILTER(STRSTARTS(STR(?item), '{WIKIDATA}')) }} }}")
    found = [str(row["item"].value) for row in store.query(query)]
    assert found == ["http://www.wikidata.org/entity/Q232"]
