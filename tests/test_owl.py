"""The ontology is one users can check: the OWL API puts it in every OWL 2 profile and the ontology
with the real content's data in OWL 2 DL, and HermiT and Pellet (owlready2's, run with the system
Java) find ontology + data consistent. Each tool runs once per module, bounded in time."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

from kzgraph.resources import ontology_file
from conftest import ROOT
from tools import java, need

#: what the OWL API of Debian's libowlapi-java needs besides itself (names as Debian installs them)
OWLAPI_JARS = ("owlapi-distribution", "guava", "caffeine", "commons-rdf-api",
               "commons-rdf-simple", "slf4j-api", "jsr305", "atinject-jsr330-api", "hppcrt",
               "commons-io", "commons-codec", "xz", "jackson-core", "jackson-databind",
               "jackson-annotations", "jaxb-api", "javax.activation")
JAVA_DIR = Path("/usr/share/java")
TIMEOUT = 300


def _owlapi_classpath() -> str | None:
    if not (JAVA_DIR / "owlapi-distribution.jar").exists():
        return None
    jars = [JAVA_DIR / f"{name}.jar" for name in OWLAPI_JARS]
    # RDF4J's Rio parsers, which the OWL API finds as services (unversioned names only)
    jars += sorted(p for p in JAVA_DIR.glob("rdf4j-*.jar") if not p.stem[-1].isdigit())
    return ":".join(str(j) for j in jars if j.exists())


def owl_profiles(path: Path) -> dict[str, tuple[bool, list[str]]]:
    """Profile name -> (in the profile, its violations), by the OWL API."""
    classpath = _owlapi_classpath()
    need(java() and classpath, "The OWL API (Debian's libowlapi-java) with a JDK",
         "apt-get install libowlapi-java default-jdk-headless (or run .ci/run)")
    run = subprocess.run(["java", "-cp", classpath, str(ROOT / "tests" / "OwlProfiles.java"),
                          str(path)], capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stderr[-3000:]
    out: dict[str, tuple[bool, list[str]]] = {}
    current = None
    for line in run.stdout.splitlines():
        if line.startswith("PROFILE "):
            _, name, inside, _count = line.split()
            current = name
            out[name] = (inside == "true", [])
        elif line.startswith("  ") and current:
            out[current][1].append(line.strip())
    assert set(out) == {"OWL2_DL", "OWL2_EL", "OWL2_QL", "OWL2_RL"}, run.stdout[-2000:]
    return out


@pytest.fixture(scope="module")
def ontology_and_data(mapped, tmp_path_factory) -> Path:
    """The ontology and the real content's data (every page graph and the reference graph)."""
    graph = Graph()
    for triple in mapped.graph:
        graph.add(triple)
    graph.parse(ontology_file(), format="turtle")
    path = tmp_path_factory.mktemp("owl") / "ontology-and-data.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    return path


#: the code datatypes (values of skos:notation), defined by a pattern facet: OWL 2 DL, but the
#: EL, QL and RL profiles admit no facet restrictions
CODE_DATATYPES = ("ontology#ISO3166Alpha2>", "ontology#ISO639-1>")


def test_the_ontology_is_owl2_dl_and_in_el_ql_rl_but_for_its_code_datatypes():
    """The audit found kz:linkTitle's rdf:langString range taking the ontology out of EL, QL
    and RL. Now the only thing outside them is the pattern of the two code datatypes."""
    profiles = owl_profiles(ontology_file())
    inside, violations = profiles["OWL2_DL"]
    assert inside and not violations, violations[:5]
    for profile in ("OWL2_EL", "OWL2_QL", "OWL2_RL"):
        _, violations = profiles[profile]
        others = [v for v in violations if not any(d in v for d in CODE_DATATYPES)]
        assert not others, f"{profile}: {others[:5]}"
        assert not any("langString" in v or "linkTitle" in v for v in violations)


def test_the_ontology_with_the_data_is_owl2_dl(ontology_and_data):
    """Every term the data uses is declared once, with one kind (class, object, datatype or
    annotation property), as SKOS, DCTERMS, FOAF and schema.org declare it."""
    inside, violations = owl_profiles(ontology_and_data)["OWL2_DL"]
    assert inside and not violations, violations[:10]


@pytest.mark.parametrize("reasoner", ["hermit", "pellet"])
def test_hermit_and_pellet_find_the_ontology_and_data_consistent(ontology_and_data, reasoner):
    need(java(), "Java", "apt-get install default-jdk-headless (or run .ci/run)")
    import owlready2
    world = owlready2.World()
    onto = world.get_ontology(ontology_and_data.as_uri()).load(format="ntriples")
    run = {"hermit": owlready2.sync_reasoner_hermit,
           "pellet": owlready2.sync_reasoner_pellet}[reasoner]
    try:
        with onto:
            run(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:  # pragma: no cover - the fault
        pytest.fail(f"{reasoner} finds the ontology and data inconsistent: {exc}")


SCHEMA_ORG = ROOT / "tests" / "vendor" / "schemaorg" / "schemaorg.owl"


def test_hermit_finds_the_data_consistent_with_schema_org_loaded(ontology_and_data, tmp_path):
    """schema.org's own OWL file (30.0), loaded with the ontology and the data: HermiT finds
    them consistent. (It is not OWL 2 DL itself: the OWL API counts 2,157 violations in it
    alone, such as one-operand unions and properties of other vocabularies left undeclared; and
    it makes schema:text and schema:keywords object properties, whose literal values a reasoner
    then ignores.)"""
    need(java(), "Java", "apt-get install default-jdk-headless (or run .ci/run)")
    import owlready2

    graph = Graph().parse(ontology_and_data, format="nt")
    graph.parse(SCHEMA_ORG, format="xml")
    both = tmp_path / "with-schema-org.nt"
    graph.serialize(both, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(both.as_uri()).load(format="ntriples")
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:  # pragma: no cover - the fault
        pytest.fail(f"HermiT finds the data inconsistent with schema.org: {exc}")
