"""The languages covered, in void.ttl: the figures of ``kzgraph status``, summed part by part by
the build engine, as Data Quality Vocabulary measurements (and the same from the cache)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rdflib import Graph, Namespace, URIRef

from kzgraph.cli import cli
from kzgraph.vocab import DCTERMS, LANGUAGE_IRI
from conftest import BASE

DQV = Namespace("http://www.w3.org/ns/dqv#")


def _measured(void: Path) -> dict[tuple[str, str], float]:
    g = Graph().parse(void, format="turtle")
    out = {}
    for m in g.objects(URIRef(BASE + "dataset"), DQV.hasQualityMeasurement):
        metric = str(g.value(m, DQV.isMeasurementOf)).rsplit("/", 1)[-1]
        lang = str(g.value(m, DCTERMS.language))[len(LANGUAGE_IRI):]
        out[(metric, lang)] = g.value(m, DQV.value).toPython()
    return out


def _status(runner, content: Path) -> dict[str, dict]:
    result = runner.invoke(cli, ["status", "--format", "json", "-c", str(content)])
    return {t["lang"]: t for t in json.loads(result.stdout)["totals"]}


def test_void_says_the_languages_covered_as_status_counts_them(runner, content, tmp_path):
    (content / "sources/feminita/index.ru.md").unlink()
    ru = content / "sources/ak_orda/index.ru.md"
    ru.write_text(re.sub(r"^description:.*\n", "", ru.read_text(encoding="utf-8"), flags=re.M),
                  encoding="utf-8")
    totals = _status(runner, content)
    assert totals["ru"]["missing"] == 4
    for attempt in ("fresh", "from the cache"):
        out = tmp_path / f"public-{attempt.split()[0]}"
        result = runner.invoke(cli, ["build", "-q", "-c", str(content), "-o", str(out)])
        assert result.exit_code == 0, result.output
        measured = _measured(out / "void.ttl")
        assert {lang for _, lang in measured} == set(totals) == {"en", "ru"}
        for lang, t in totals.items():
            assert measured[("texts-present", lang)] == t["present"]
            assert measured[("texts-missing", lang)] == t["missing"]
            assert measured[("texts-outdated", lang)] == t["outdated"]
            assert abs(float(measured[("texts-covered", lang)]) - t["covered"]) < 1e-4
