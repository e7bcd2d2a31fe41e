"""Benchmark: local latency of the saved queries, the embedded Oxigraph engine against rdflib.

Not a test: it prints figures. It generates a graph shaped like kzgraph's (sources with titles,
descriptions, keywords, categories, languages; categories offering and missing perspectives;
guides with sections and mentions), runs every saved query with the same parameters on both
engines, checks they give the same answers, and prints medians and ratios. Then it runs the
saved queries on Oxigraph alone over a much larger graph (default two million triples).

    .venv/bin/python benchmarks/bench_query.py                  # 200k triples vs rdflib, 2M alone
    .venv/bin/python benchmarks/bench_query.py --compare 50000 --large 0 --repeat 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kzgraph.query.engines import LocalEngine, QueryResult, RdflibEngine  # noqa: E402
from kzgraph.query.saved import bind, catalog  # noqa: E402
from kzgraph.query.sparql import prepare  # noqa: E402

BASE = "https://kzgraph.example/"
KZ = "https://kzgraph.example/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
LANGUAGE = "http://id.loc.gov/vocabulary/iso639-1/"

CATEGORIES, PERSPECTIVES, COUNTRIES, SOURCES_PER_GUIDE = 40, 80, 60, 60
WORDS = ("feminism gender rights women LGBTQ+ statistics census elections budget health "
         "education ecology water energy migration labour courts police media press "
         "freedom religion language culture history economy prices housing transport "
         "agriculture climate corruption business youth elderly children disability").split()
RU_WORDS = ("феминизм гендер права женщины статистика перепись выборы бюджет здоровье "
            "образование экология вода энергия миграция труд суды полиция").split()

#: the parameters each saved query runs with on the generated graph
PARAMS: dict[str, dict[str, str]] = {
    "sources-by-category": {"category": "cat-3", "lang": "ru"},
    "sources-by-perspective": {"perspective": "persp-5"},
    "blind-spots": {"lang": "ru"},
    "guide-mentions": {"guide": "guide-7", "lang": "ru"},
    "guide-sections": {"guide": "guide-7"},
    "sources-without-description": {"lang": "ru"},
    "empty-categories": {},
    "labels": {"lang": "ru", "type": "kz:Category"},
    "uncovered-perspectives": {},
    "sources-in-language": {"language": "kk"},
    "sources-by-keyword": {"text": "femin"},
    "modified-since": {"since": "2024-12-01"},
    "category-source-counts": {"min": "1"},
    "source-profile": {"source": "src-42"},
    "describe": {"resource": "category:cat-1"},
    "category-misses": {"category": "cat-2", "perspective": "persp-9"},
    "same-as-wikidata": {},
    "country-identifiers": {"lang": "ru"},
}
#: also measured: the labels of everything (no type), the heaviest query shape
EXTRA = {"labels (all types)": ("labels", {"lang": "ru"})}


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text + (f"@{lang}" if lang else f"^^<{datatype}>" if datatype else "")


def generate(sources: int, seed: int = 7) -> Iterator[str]:
    """N-Triples lines of a kzgraph-shaped graph with ``sources`` sources (about 30 triples
    each), the same for the same arguments."""
    rnd = random.Random(seed)

    def t(s: str, p: str, o: str) -> str:
        return f"<{s}> <{p}> {o} .\n"

    cat = [f"{BASE}category/cat-{i}" for i in range(CATEGORIES)]
    persp = [f"{BASE}perspective/persp-{i}" for i in range(PERSPECTIVES)]
    for i, p in enumerate(persp):
        yield t(p, RDF_TYPE, f"<{KZ}Perspective>")
        yield t(p, SKOS + "prefLabel", lit(f"Perspective {i}", "en"))
        if i % 7:
            yield t(p, SKOS + "prefLabel", lit(f"Взгляд {i}", "ru"))
    for i, c in enumerate(cat):
        yield t(c, RDF_TYPE, f"<{KZ}Category>")
        yield t(c, RDF_TYPE, f"<{SKOS}Concept>")
        yield t(c, SKOS + "prefLabel", lit(f"Category {i}", "en"))
        yield t(c, SKOS + "prefLabel", lit(f"Категория {i}", "ru"))
        yield t(c, DCT + "title", lit(f"Category {i}", "en"))
        offers = {persp[i % (PERSPECTIVES - 10)], *rnd.sample(persp[: PERSPECTIVES - 10], 2)}
        for p in sorted(offers):
            yield t(c, KZ + "offersPerspective", f"<{p}>")
        for p in sorted({persp[(i + 7) % PERSPECTIVES], rnd.choice(persp)}):
            yield t(c, KZ + "missesPerspective", f"<{p}>")
    countries = [f"{BASE}country/c{i}" for i in range(COUNTRIES)]
    for i, c in enumerate(countries):
        yield t(c, RDF_TYPE, f"<{KZ}Country>")
        yield t(c, SKOS + "prefLabel", lit(f"Country {i}", "en"))
        yield t(c, SKOS + "prefLabel", lit(f"Страна {i}", "ru"))
    for code, name in (("en", "English"), ("ru", "Russian"), ("kk", "Kazakh")):
        yield t(LANGUAGE + code, RDF_TYPE, f"<{DCT}LinguisticSystem>")
        yield t(LANGUAGE + code, RDFS + "label", lit(name, "en"))
    used_categories = cat[: CATEGORIES - 5]  # five categories stay empty
    guide = section = None
    for i in range(sources):
        s = f"{BASE}sources/sources/src-{i}/"
        yield t(s, RDF_TYPE, f"<{KZ}Source>")
        yield t(s, DCT + "title", lit(f"Source {i}", "en"))
        yield t(s, DCT + "title", lit(f"Источник {i}", "ru"))
        yield t(s, DCT + "description", lit(f"An outlet number {i} about {rnd.choice(WORDS)}.",
                                            "en"))
        if rnd.random() > 0.03:
            yield t(s, DCT + "description", lit(f"Издание номер {i}.", "ru"))
        yield t(s, SCHEMA + "text", lit(" ".join(rnd.choices(WORDS, k=40)), "en"))
        yield t(s, SCHEMA + "text", lit(" ".join(rnd.choices(RU_WORDS, k=30)), "ru"))
        for c in rnd.sample(used_categories, rnd.choice((1, 1, 2))):
            yield t(s, KZ + "category", f"<{c}>")
        yield t(s, KZ + "country", f"<{rnd.choice(countries)}>")
        for code in rnd.sample(("en", "ru", "kk"), rnd.randint(1, 3)):
            yield t(s, DCT + "language", f"<{LANGUAGE}{code}>")
        yield t(s, FOAF + "homepage", f"<https://outlet{i}.example/>")
        for w in rnd.sample(WORDS, 3):
            yield t(s, SCHEMA + "keywords", lit(w, "en"))
        for w in rnd.sample(RU_WORDS, 3):
            yield t(s, SCHEMA + "keywords", lit(w, "ru"))
        yield t(s, DCT + "created", lit(f"20{rnd.randint(18, 23)}-0{rnd.randint(1, 9)}-1"
                                        f"{rnd.randint(0, 9)}", datatype=XSD + "date"))
        yield t(s, DCT + "modified", lit(f"2024-{rnd.randint(10, 12)}-1{rnd.randint(0, 9)}",
                                         datatype=XSD + "date"))
        # a guide per SOURCES_PER_GUIDE sources, five sections each, one mention per source
        if i % SOURCES_PER_GUIDE == 0:
            guide = f"{BASE}guides/guide-{i // SOURCES_PER_GUIDE}/"
            yield t(guide, RDF_TYPE, f"<{KZ}Guide>")
            yield t(guide, DCT + "title", lit(f"Guide {i // SOURCES_PER_GUIDE}", "en"))
        if i % (SOURCES_PER_GUIDE // 5) == 0:
            n = (i % SOURCES_PER_GUIDE) // (SOURCES_PER_GUIDE // 5) + 1
            section = f"{guide}#section-{n}"
            yield t(guide, DCT + "hasPart", f"<{section}>")
            yield t(section, RDF_TYPE, f"<{KZ}GuideSection>")
            yield t(section, SCHEMA + "position", lit(str(n), datatype=XSD + "integer"))
            yield t(section, DCT + "title", lit(f"Section {n}", "en"))
            yield t(section, DCT + "title", lit(f"Раздел {n}", "ru"))
            yield t(section, KZ + "aboutCategory", f"<{rnd.choice(used_categories)}>")
        mention = f"{guide}#mention-src-{i}"
        yield t(guide, KZ + "mentions", f"<{s}>")
        yield t(guide, KZ + "mention", f"<{mention}>")
        yield t(mention, RDF_TYPE, f"<{KZ}Mention>")
        yield t(mention, KZ + "mentionedSource", f"<{s}>")
        yield t(mention, KZ + "inSection", f"<{section}>")
        if rnd.random() < 0.6:
            yield t(mention, SKOS + "note", lit(f"words about source {i}", "en"))
            yield t(mention, SKOS + "note", lit(f"слова об источнике {i}", "ru"))


def graph_bytes(target_triples: int) -> bytes:
    lines = list(generate(max(1, target_triples // 27)))
    return "".join(lines).encode("utf-8")


def median_seconds(run: Callable[[], QueryResult], repeat: int) -> tuple[float, QueryResult]:
    result = run()  # warm-up (also the answer compared)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def same(a: QueryResult, b: QueryResult) -> bool:
    if a.graph is not None or b.graph is not None:
        return set(a.graph or ()) == set(b.graph or ())
    return (a.boolean, a.variables, a.rows) == (b.boolean, b.variables, b.rows)


def cases() -> list[tuple[str, object]]:
    out = []
    for label, (name, params) in {**{n: (n, p) for n, p in PARAMS.items()}, **EXTRA}.items():
        q = catalog().get(name)
        out.append((label, prepare(q.text, BASE, bind(q.params, params, BASE), q.name)))
    return out


def load_oxigraph(data: bytes) -> tuple[LocalEngine, float]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    return LocalEngine(store), time.perf_counter() - start


def compare(triples: int, repeat: int) -> None:
    from rdflib import Graph

    data = graph_bytes(triples)
    oxi, ox_load = load_oxigraph(data)
    start = time.perf_counter()
    graph = Graph()
    graph.parse(data=data, format="nt")
    rd_load = time.perf_counter() - start
    rdf = RdflibEngine(graph)
    print(f"\n== {len(graph):,} triples: Oxigraph (embedded) against rdflib "
          f"{_rdflib_version()}, median of {repeat} runs after one warm-up ==")
    print(f"load: Oxigraph {ox_load:.2f} s, rdflib {rd_load:.2f} s")
    print(f"{'query':<30} {'rows':>6} {'oxigraph ms':>12} {'rdflib ms':>10} {'ratio':>8} same")
    ratios = []
    for label, prepared in cases():
        o_t, o_r = median_seconds(lambda: oxi.run(prepared), repeat)
        r_t, r_r = median_seconds(lambda: rdf.run(prepared), repeat)
        ratio = r_t / o_t if o_t else float("inf")
        ratios.append(ratio)
        print(f"{label:<30} {len(o_r):>6} {o_t * 1000:>12.1f} {r_t * 1000:>10.1f} "
              f"{ratio:>7.0f}x {'yes' if same(o_r, r_r) else 'NO'}")
    print(f"median ratio {statistics.median(ratios):.0f}x, smallest {min(ratios):.0f}x")


def large(triples: int, repeat: int) -> None:
    data = graph_bytes(triples)
    oxi, load = load_oxigraph(data)
    count = len(oxi.store)
    del data
    print(f"\n== {count:,} triples: Oxigraph alone, median of {repeat} runs after one "
          f"warm-up (load {load:.1f} s) ==")
    print(f"{'query':<30} {'rows':>7} {'median ms':>10} {'under 0.5 s':>12}")
    for label, prepared in cases():
        t, r = median_seconds(lambda: oxi.run(prepared), repeat)
        print(f"{label:<30} {len(r):>7} {t * 1000:>10.1f} {'yes' if t < 0.5 else 'NO':>12}")


def _rdflib_version() -> str:
    import rdflib

    return rdflib.__version__


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", type=int, default=200_000,
                        help="triples in the graph both engines run on (0: skip)")
    parser.add_argument("--large", type=int, default=2_000_000,
                        help="triples in the graph Oxigraph runs on alone (0: skip)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.repeat)
    if args.large:
        large(args.large, args.repeat)


if __name__ == "__main__":
    main()
