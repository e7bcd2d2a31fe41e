"""What changed between two versions of the published graph: a changelog in words, per resource,
and a SPARQL Update that turns the old graph into the new one in a triple store.

A version is a build (an output folder holding ``kzgraph.nq``, or an N-Quads/N-Triples file) or a
git revision of the content (the content folder as it was then, built in a scratch folder). The
comparison is of quads: the published output has no blank nodes, so two versions' statements can
be matched one by one.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from kzgraph.config import Settings
from kzgraph.errors import ConfigError, ContentError, Message, brief, msg
from kzgraph.graph.mapping import CLASSES, KEYS, KIND
from kzgraph.vocab import DCTERMS, PREFIXES, RDF, SCHEMA, SKOS

#: graphs of kzgraph's own, not of any page: in the update, not in the changelog
_OWN = ("graph/provenance", "graph/ontology")
_KINDS = {str(cls): kind for kind, cls in CLASSES.items()}
_NAMES = [str(SKOS.prefLabel), str(DCTERMS.title)]


class DiffError(ConfigError):
    """A version cannot be read (no such file, folder or revision; blank nodes)."""


Quad = tuple[str, str, str, str]  # subject, predicate, object, graph, in N-Triples syntax


@dataclass
class Version:
    """One version's statements, as N-Triples terms (graph ``""`` for the default graph)."""

    label: str
    quads: set[Quad]


def _quads(data: bytes, fmt: ox.RdfFormat, label: str) -> Version:
    out: set[Quad] = set()
    for q in ox.parse(data, format=fmt):
        if any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object)):
            raise DiffError(f"{label} has blank nodes; kzgraph diff compares outputs that "
                            "have none (those kzgraph writes).")
        graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        out.add((str(q.subject), str(q.predicate), str(q.object), graph))
    return Version(label, out)


def read_build(path: Path) -> Version:
    """A build: an output folder (its ``kzgraph.nq``) or an N-Quads or N-Triples file."""
    path = Path(path)
    if path.is_dir():
        path = path / "kzgraph.nq"
    fmt = {".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES}.get(path.suffix)
    if fmt is None or not path.is_file():
        raise DiffError(f"{path}: not a build (an output folder with kzgraph.nq, or a .nq or "
                        ".nt file).")
    return _quads(path.read_bytes(), fmt, str(path))


def read_revision(settings: Settings, revision: str) -> Version:
    """The content folder as it was at a git revision, built (N-Quads) from a checkout of that
    revision in a scratch folder (a shared clone: the repository itself is not touched), so the
    build's provenance names the commit as a build of a checkout would."""
    from kzgraph.engine.pipeline import export
    from kzgraph.formats.registry import get_format

    content = settings.content.resolve()
    top = Path(_git(content, "rev-parse", "--show-toplevel").strip()).resolve()
    inside = content.relative_to(top).as_posix()
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    with tempfile.TemporaryDirectory(prefix="kzgraph-diff-") as scratch:
        tree = Path(scratch) / "tree"
        _git(top, "clone", "-q", "--shared", "--no-checkout", str(top), str(tree))
        if inside != ".":
            _git(tree, "sparse-checkout", "set", inside)
        _git(tree, "checkout", "-q", "--detach", commit)
        root = tree / inside
        if not root.is_dir():
            raise DiffError(f"The revision {revision} has no folder {inside}.")
        try:
            data, _ = export(settings.with_content(root), get_format("nquads"), cache=False)
        except ContentError as exc:
            raise ContentError(exc.problems, f"The content at {revision} cannot be built") \
                from None
    return _quads(data, ox.RdfFormat.N_QUADS, revision)


def _git(where: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(where), *args], check=True, timeout=120,
                              capture_output=True)
    except FileNotFoundError:
        raise DiffError("git is not installed; give two builds instead of revisions.") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip() or "(no message)"
        raise DiffError(f"git {args[0]} {' '.join(args[1:2])}: {message}") from None
    return done.stdout.decode("utf-8", "replace")


def read_version(settings: Settings, spec: str) -> Version:
    """A build when ``spec`` is an existing path, else a git revision of the content."""
    return read_build(Path(spec)) if Path(spec).exists() else read_revision(settings, spec)


# -- the update ----------------------------------------------------------------------------------

def _block(quads: list[Quad]) -> str:
    by_graph: dict[str, list[Quad]] = defaultdict(list)
    for q in quads:
        by_graph[q[3]].append(q)
    parts = []
    for graph in sorted(by_graph):
        lines = "\n".join(f"    {s} {p} {o} ." for s, p, o, _ in sorted(by_graph[graph]))
        parts.append(f"  GRAPH {graph} {{\n{lines}\n  }}" if graph else lines)
    return "\n".join(parts)


def sparql_update(old: Version, new: Version) -> str:
    """A SPARQL 1.1 Update (DELETE DATA, then INSERT DATA) that turns a store holding ``old``
    into one holding ``new``; sorted, so the same versions give the same text."""
    removed, added = sorted(old.quads - new.quads), sorted(new.quads - old.quads)
    ops = []
    if removed:
        ops.append(f"DELETE DATA {{\n{_block(removed)}\n}}")
    if added:
        ops.append(f"INSERT DATA {{\n{_block(added)}\n}}")
    head = f"# kzgraph diff {old.label} {new.label}: -{len(removed)} +{len(added)} statements\n"
    return head + (" ;\n".join(ops) + "\n" if ops else "")


# -- the changelog --------------------------------------------------------------------------------

@dataclass
class Change:
    """One change of one resource: what (a key), in which language, how, from what to what."""

    what: str
    lang: str | None
    change: str  # added, removed, changed
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)


@dataclass
class ResourceChanges:
    iri: str
    name: str
    kind: str | None
    status: str  # added, removed, changed
    changes: list[Change]


def _term(nt: str) -> tuple[str, str | None, bool]:
    """(value, language, is an IRI) of an N-Triples term."""
    if nt.startswith("<"):
        return nt[1:-1], None, True
    term = next(iter(ox.parse(f"<x:s> <x:p> {nt} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object
    return term.value, getattr(term, "language", None), False


def _show(value: str, is_iri: bool, base: str) -> str:
    if is_iri:
        if value.startswith(base):
            return value[len(base):].rstrip("/").rsplit("/", 1)[-1]
        for prefix, namespace in PREFIXES.items():  # schema:NGO, not the whole IRI
            local = value[len(namespace):]
            if value.startswith(namespace) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return value
    return brief(value)


def _key(predicate: str, kind: str | None) -> str:
    for spec in KEYS.values():
        if kind in spec.kinds and str(spec.predicate(kind)) == predicate:
            return spec.key
    if predicate == str(SCHEMA.text):
        return "body"
    return predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def changelog(old: Version, new: Version, base: str, lang: str = "en") -> list[ResourceChanges]:
    """What changed, per resource (a page, with its sections and mentions folded in); each
    resource is named by its title or label in ``lang``, else in English, else in any
    language."""
    def data(v: Version) -> dict[str, set[tuple[str, str, str]]]:
        out: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
        for s, p, o, g in v.quads:
            if any(g == f"<{base}{own}>" for own in _OWN):
                continue
            out[s[1:-1]].add((s[1:-1], p[1:-1], o))
        return out

    before, after = data(old), data(new)
    kinds = {s: _KINDS.get(o[1:-1]) for v in (before, after) for s, triples in v.items()
             for _, p, o in triples if p == str(RDF.type) and o[1:-1] in _KINDS}
    labels: dict[str, dict[str | None, str]] = defaultdict(dict)
    for v in (after, before):  # the new name, else the old one (of a removed resource)
        for s, triples in v.items():
            for _, p, o in sorted(triples):
                if p in _NAMES:
                    value, tag, _ = _term(o)
                    labels[s].setdefault(tag, value)
    names = {s: found.get(lang) or found.get("en") or found.get(None) or found[min(
                 (t for t in found if t), default=None)]
             for s, found in labels.items()}
    resources: dict[str, list[Change]] = defaultdict(list)
    for s in sorted(set(before) | set(after)):
        owner = s.split("#", 1)[0]
        part = s.split("#", 1)[1].replace("-", " ") if "#" in s else None
        grouped: dict[tuple[str, str | None], tuple[list, list]] = defaultdict(lambda: ([], []))
        for side, triples in ((0, before.get(s, set()) - after.get(s, set())),
                              (1, after.get(s, set()) - before.get(s, set()))):
            for _, p, o in triples:
                if p == str(RDF.type) and part is None and o[1:-1] in _KINDS:
                    continue
                value, lang, is_iri = _term(o)
                what = _key(p, kinds.get(owner) if part is None else None)
                if part is not None:
                    what = f"{part} {what}"
                grouped[(what, lang)][side].append(_show(value, is_iri, base))
        for (what, lang), (gone, came) in sorted(grouped.items(), key=lambda x: (x[0][0], x[0][1] or "")):
            change = "changed" if gone and came else "removed" if gone else "added"
            resources[owner].append(Change(what, lang, change, sorted(gone), sorted(came)))
    out = []
    for owner in sorted(resources, key=lambda r: (names.get(r, r), r)):
        status = "added" if owner not in before else "removed" if owner not in after else \
            "changed"
        out.append(ResourceChanges(owner, names.get(owner, _show(owner, True, base)),
                                   kinds.get(owner), status, resources[owner]))
    return out


def _language(code: str, lang: str) -> str:
    """The name of a language, in the language of the changelog (its code when unknown)."""
    from kzgraph.content.countries import language_label

    return language_label(code, lang) or code


def _sentence(c: Change, lang: str = "en") -> str:
    """One change, in words: "Russian title changed from 'A' to 'B'"."""
    values = ", ".join(c.new or c.old)
    if c.change == "changed":
        fields = {"what": c.what, "old": ", ".join(c.old), "new": ", ".join(c.new)}
        text = (msg("{language} {what} changed from {old} to {new}",
                    language=_language(c.lang, lang), **fields) if c.lang else
                msg("{what} changed from {old} to {new}", **fields))
    elif c.change == "added":
        text = (msg("{language} {what} {values} added", language=_language(c.lang, lang),
                    what=c.what, values=values) if c.lang else
                msg("{what} {values} added", what=c.what, values=values))
    else:
        text = (msg("{language} {what} {values} removed", language=_language(c.lang, lang),
                    what=c.what, values=values) if c.lang else
                msg("{what} {values} removed", what=c.what, values=values))
    return text.render(lang)


def _where(r: ResourceChanges, base: str, lang: str) -> str:
    """The resource's kind and path: "source sources/sources/feminita/"."""
    where = r.iri[len(base):] if r.iri.startswith(base) else r.iri
    return f"{KIND[r.kind].render(lang)} {where}" if r.kind in KIND else where


def _line(r: ResourceChanges, base: str, lang: str = "en") -> str:
    fields = {"name": r.name, "where": _where(r, base, lang)}
    if r.status == "added":
        return msg("{name} ({where}): added", **fields).render(lang)
    if r.status == "removed":
        return msg("{name} ({where}): removed", **fields).render(lang)
    return (f"{r.name} ({fields['where']}): "
            + "; ".join(_sentence(c, lang) for c in r.changes))


def _nothing(old: Version | None, new: Version | None, lang: str) -> str:
    if old is not None and new is not None and old.quads != new.quads:
        return msg("No change of the data; only kzgraph's own graphs (the build's provenance) "
                   "differ.").render(lang) + "\n"
    return msg("No change.").render(lang) + "\n"


def as_text(changes: list[ResourceChanges], base: str, old: Version | None = None,
            new: Version | None = None, lang: str = "en") -> str:
    if not changes:
        return _nothing(old, new, lang)
    return "".join(_line(r, base, lang) + "\n" for r in changes)


def as_markdown(changes: list[ResourceChanges], base: str, old: Version | None = None,
                new: Version | None = None, lang: str = "en") -> str:
    if not changes:
        return _nothing(old, new, lang)
    out = []
    titles: dict[str, Callable[[int], Message]] = {
        "added": lambda n: msg("Added ({count})", count=n),
        "removed": lambda n: msg("Removed ({count})", count=n),
        "changed": lambda n: msg("Changed ({count})", count=n)}
    for status, title in titles.items():
        group = [r for r in changes if r.status == status]
        if not group:
            continue
        out.append(f"### {title(len(group)).render(lang)}\n")
        for r in group:
            where = r.iri[len(base):] if r.iri.startswith(base) else r.iri
            if status == "changed":
                out.append(f"- **{r.name}** (`{where}`)")
                out += [f"  - {_sentence(c, lang)}" for c in r.changes]
            else:
                out.append(f"- **{r.name}** (`{where}`)")
        out.append("")
    return "\n".join(out)


def as_json(changes: list[ResourceChanges], old: Version, new: Version) -> str:
    document = {
        "old": old.label, "new": new.label,
        "removed_statements": len(old.quads - new.quads),
        "added_statements": len(new.quads - old.quads),
        "resources": [{"iri": r.iri, "name": r.name, "kind": r.kind, "status": r.status,
                       "changes": [c.__dict__ for c in r.changes]} for r in changes],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
