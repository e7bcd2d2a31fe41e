"""Independent RDF implementations for the tests, found and wrapped: raptor's ``rapper``, Apache
Jena (RIOT in strict mode and Jena SHACL, from Debian's jars), the Oxigraph CLI and pyld.

Their answers are turned into one comparable form: a set of N-Triples/N-Quads lines written the
same way whoever wrote them (escapes decoded, language tags in lower case, ``xsd:string`` made
explicit). None of our data has blank nodes, so two graphs are isomorphic exactly when these sets
are equal. A tool that is missing skips its tests on a developer's machine and fails them under
CI (``CI=true``), where ``.ci/run`` installs every one of them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
JAVA_DIR = Path("/usr/share/java")
#: the jars Jena's command-line classes need, named as Debian installs them (no version). Not
#: ``/usr/share/java/*``: that holds two slf4j bindings and Jena will not start.
JENA_JARS = (
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
    "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2",
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "commons-logging", "dexx.collection", "gson", "guava", "httpclient",
    "httpclient-cache", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations",
    "jsonld-java", "thrift", "protobuf", "titanium-json-ld", "jakarta.json-api", "slf4j-api",
    "slf4j-simple",
)
#: our format names -> what each tool calls them
RAPPER_SYNTAX = {"turtle": "turtle", "ntriples": "ntriples", "nquads": "nquads",
                 "trig": "trig", "xml": "rdfxml"}
JENA_SYNTAX = {"turtle": "Turtle", "ntriples": "N-Triples", "nquads": "N-Quads",
               "trig": "TriG", "xml": "RDF/XML"}
OXIGRAPH_SYNTAX = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "trig": "trig",
                   "xml": "rdf", "jsonld": "jsonld"}
APT_HINT = ("apt-get install raptor2-utils libapache-jena-java default-jdk-headless "
            "(or run .ci/run)")


# ---- missing tools ---------------------------------------------------------------------------

def in_ci() -> bool:
    """Whether this is CI, where every tool must be there."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(found: object, what: str, install: str) -> None:
    """Skip (on a developer's machine) or fail (under CI) when a tool was not found."""
    if found:
        return
    message = f"{what} is not installed: {install}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# ---- one comparable form ---------------------------------------------------------------------

_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_IRI = r"<[^>]*>"
_TERM = (rf'{_IRI}|_:\S+|"(?:[^"\\]|\\.)*"'
         rf'(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?')
_STATEMENT = re.compile(rf"\s*({_TERM})\s*({_TERM})\s*({_TERM})\s*(?:({_TERM})\s*)?\.\s*")
_LITERAL = re.compile(rf'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^({_IRI}))?', re.S)


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        if m.group(3) not in _ECHAR:
            raise ValueError(f"unknown escape \\{m.group(3)}")
        return _ECHAR[m.group(3)]
    return _ESCAPE.sub(one, text)


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _literal(lexical: str, datatype: str | None, lang: str | None) -> str:
    quoted = (lexical.replace("\\", "\\\\").replace('"', '\\"')
              .replace("\n", "\\n").replace("\r", "\\r"))
    if lang:
        return f'"{quoted}"@{lang.lower()}'
    return f'"{quoted}"^^<{datatype or XSD_STRING}>'


def _canonical_token(token: str, where: str) -> str:
    if token.startswith("<"):
        return _iri(_unescape(token[1:-1]))
    if token.startswith("_:"):
        raise AssertionError(f"{where}: a blank node {token}; kzgraph publishes none")
    m = _LITERAL.fullmatch(token)
    if m is None:
        raise AssertionError(f"{where}: cannot read the term {token!r}")
    datatype = _unescape(m.group(3)[1:-1]) if m.group(3) else None
    return _literal(_unescape(m.group(1)), datatype, m.group(2))


Statement = tuple[str, ...]


def read_lines(text: str, who: str = "output") -> set[Statement]:
    """The statements of an N-Triples or N-Quads text as canonical tuples (3 terms for the
    default graph, 4 with a graph name). Blank nodes and unreadable lines are errors."""
    out: set[Statement] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _STATEMENT.fullmatch(line)
        if m is None:
            raise AssertionError(f"{who} line {number}: not N-Triples/N-Quads: {line[:200]!r}")
        where = f"{who} line {number}"
        out.add(tuple(_canonical_token(t, where) for t in m.groups() if t is not None))
    return out


def canonical_term(term: object) -> str:
    """An rdflib term in the canonical N-Triples form."""
    if isinstance(term, BNode):
        raise AssertionError(f"a blank node {term!r} in our graph")
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return _literal(str(term), datatype, term.language)
    raise AssertionError(f"not an RDF term: {term!r}")


def graph_statements(graph: Graph) -> set[Statement]:
    """Our graph as canonical triples."""
    return {tuple(canonical_term(t) for t in triple) for triple in graph}


def dataset_statements(dataset: Dataset) -> set[Statement]:
    """Our dataset as canonical quads (triples for the default graph)."""
    out: set[Statement] = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        terms = (s, p, o) if name in (None, DATASET_DEFAULT_GRAPH_ID) else (s, p, o, name)
        out.add(tuple(canonical_term(t) for t in terms))
    return out


def difference(ours: set[Statement], theirs: set[Statement], who: str, shown: int = 5) -> str:
    """What one implementation read that we did not write, and the reverse, for a message."""
    missing, extra = sorted(ours - theirs), sorted(theirs - ours)
    lines = [f"{who}: {len(theirs)} statements read, {len(ours)} written; "
             f"{len(missing)} missing, {len(extra)} extra"]
    lines += ["  missing: " + " ".join(s) for s in missing[:shown]]
    lines += ["  extra:   " + " ".join(s) for s in extra[:shown]]
    return "\n".join(lines)


# ---- running a tool --------------------------------------------------------------------------

@dataclass
class Run:
    """A finished command: exit status and what it printed."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def explain(self) -> str:
        shown = " ".join(a if len(a) < 200 else a[:60] + "..." for a in self.args)
        return f"$ {shown}\nexit {self.returncode}\n{self.stderr[-3000:]}"


def run(args: list[str], timeout: float = 120) -> Run:
    done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    return Run(args, done.returncode, done.stdout.decode("utf-8"),
               done.stderr.decode("utf-8", "replace"))


# ---- raptor ----------------------------------------------------------------------------------

def rapper() -> str | None:
    return shutil.which("rapper")


def rapper_read(path: Path, fmt: str) -> Run:
    """raptor parses ``path`` and writes it as N-Quads (N-Triples for a graph). Exit 2 means a
    warning and counts as a failure."""
    tool = rapper()
    assert tool is not None
    output = "nquads" if fmt in ("nquads", "trig") else "ntriples"
    return run([tool, "-q", "-i", RAPPER_SYNTAX[fmt], "-o", output, str(path)])


# ---- Apache Jena -----------------------------------------------------------------------------

def java() -> str | None:
    return shutil.which("java")


def jena_installed() -> bool:
    """Jena's jars, and a Java that can run ``JenaBatch.java``."""
    return all((JAVA_DIR / f"{j}.jar").is_file() for j in JENA_JARS) and jena_runs_sources()


def _xerces_fix(cache: Path) -> Path:
    """Work around Debian's Jena 4.5 packaging bug (``ExceptionInInitializerError ...
    applyFacets1``): its shaded xerces classes are looked up as ``xerces.*``. Extract them from
    jena-core.jar into ``cache`` once (keyed by the jar), to go first on the classpath."""
    jar = JAVA_DIR / "jena-core.jar"
    stat = jar.stat()
    key = hashlib.sha256(f"{jar.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    target = cache / f"jena-xerces-{key[:16]}"
    if target.is_dir():
        return target
    staging = cache / f".{target.name}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    prefix = "org/apache/jena/ext/"
    with zipfile.ZipFile(jar) as archive:
        for name in archive.namelist():
            if name.startswith(prefix + "xerces/") and not name.endswith("/"):
                out = staging / name[len(prefix):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.read(name))
    try:
        os.rename(staging, target)
    except OSError:  # another process got there first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def jena_classpath(cache: Path) -> str:
    """The explicit classpath that runs Jena's command-line classes from Debian's jars."""
    cache.mkdir(parents=True, exist_ok=True)
    entries = [_xerces_fix(cache)] + [JAVA_DIR / f"{j}.jar" for j in JENA_JARS]
    return os.pathsep.join(str(e) for e in entries)


@functools.lru_cache(maxsize=1)
def jena_runs_sources() -> bool:
    """Whether this Java can run a source file (``JenaBatch.java``): it needs a JDK's compiler."""
    tool = java()
    if tool is None:
        return False
    modules = subprocess.run([tool, "--list-modules"], capture_output=True, text=True,
                             timeout=60, check=False).stdout
    return any(line.startswith("jdk.compiler@") for line in modules.splitlines())


def riot_validate(paths: Iterable[Path]) -> list[str]:
    """Jena RIOT checks files strictly (bad language tags, ill-typed literals, bad IRIs);
    exit 0 only when every file is clean. One command for all the files."""
    return ["riotcmd.riot", "--validate", *(str(p) for p in paths)]


def riot_convert(path: Path, fmt: str) -> list[str]:
    """Jena RIOT reads ``path`` strictly, with checking (exit 1 on any warning, as
    ``--validate``), and writes N-Quads."""
    return ["riotcmd.riot", "--strict", "--check", f"--syntax={JENA_SYNTAX[fmt]}",
            "--output=N-Quads", str(path)]


def jena_shacl(shapes: Path, data: Path) -> list[str]:
    """Jena SHACL validates ``data`` against ``shapes`` and prints the report as Turtle (it exits
    0 whether or not the data conforms: read ``sh:conforms``)."""
    return ["shacl.shacl_validate", "--shapes", str(shapes), "--data", str(data)]


def jena_batch(classpath: str, commands: list[list[str]], work: Path,
               timeout: float = 600) -> list[Run]:
    """Run Jena commands (``[main class, arg...]``, as above) in one JVM through
    ``JenaBatch.java``: each runs as its ``main`` would, its output and exit code kept apart.
    One JVM start (about a second) instead of one per command."""
    tool = java()
    assert tool is not None
    work.mkdir(parents=True, exist_ok=True)
    lines, files = [], []
    for number, command in enumerate(commands):
        assert not any(("\t" in a or "\n" in a) for a in command), command
        names = tuple(work / f"{number}.{part}" for part in ("out", "err", "code"))
        for name in names:
            name.unlink(missing_ok=True)
        files.append(names)
        lines.append("\t".join([*(str(n) for n in names), *command]))
    listing = work / "commands.tsv"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = run([tool, "-XX:TieredStopAtLevel=1", "-cp", classpath,
                 str(Path(__file__).with_name("JenaBatch.java")), str(listing)], timeout)
    runs = []
    for command, (out, err, code) in zip(commands, files):
        if not code.exists():
            raise AssertionError(f"JenaBatch stopped before {command}:\n{batch.explain()}")
        runs.append(Run(command, int(code.read_text()), out.read_text(encoding="utf-8"),
                        err.read_text(encoding="utf-8", errors="replace")))
    return runs


# ---- Oxigraph CLI ----------------------------------------------------------------------------

def oxigraph() -> str | None:
    """The ``oxigraph`` binary of this venv (package ``oxigraph``, the test extra)."""
    return (shutil.which("oxigraph", path=str(Path(sys.executable).parent))
            or shutil.which("oxigraph"))


def oxigraph_read(path: Path, fmt: str) -> Run:
    """``oxigraph convert`` parses ``path`` (strictly: no ``--lenient``) and writes N-Quads."""
    tool = oxigraph()
    assert tool is not None
    return run([tool, "convert", "--from-file", str(path),
                "--from-format", OXIGRAPH_SYNTAX[fmt], "--to-format", "nq"])


# ---- pyld ------------------------------------------------------------------------------------

class RemoteContextRefused(Exception):
    """pyld asked for a document from the network."""


def refuse_remote(url: str, options: object = None) -> dict[str, object]:
    """A pyld document loader that loads nothing: the published JSON-LD must read offline."""
    raise RemoteContextRefused(f"a remote document was requested: {url}")


def pyld_available() -> bool:
    try:
        import pyld  # noqa: F401
    except ImportError:
        return False
    return True


def pyld_read(data: bytes) -> str:
    """pyld turns a JSON-LD document into N-Quads, with every remote document refused (also
    through pyld's default loader, which fetches whenever ``requests`` is installed)."""
    from pyld import jsonld

    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(refuse_remote)
    try:
        return jsonld.to_rdf(json.loads(data), {"format": "application/n-quads",
                                                "documentLoader": refuse_remote})
    finally:
        jsonld.set_document_loader(previous)
