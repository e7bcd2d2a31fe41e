"""Saved queries: the ``.rq`` files in ``queries/``, their headers, and their typed parameters.

A saved query starts with a comment header in YAML (each line after its ``#``)::

    # title: Sources by category
    # description: Every source in a category, with its title in a chosen language.
    # params:
    #   category: {type: category, optional: true, doc: a category slug, e.g. local-ngo}
    #   lang: {type: lang, default: en, doc: the language of the titles}
    SELECT ...

A parameter has a ``type`` (see :data:`PARAM_TYPES`), and either a ``default``, or
``optional: true`` (left unbound when not given: it then matches anything), or neither (it must
be given). Values are checked and turned into RDF terms here; :mod:`kzgraph.query.engines` binds them.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import yaml
from rdflib import Literal, URIRef
from rdflib.term import Node

from kzgraph.content.layout import SLUG
from kzgraph.query.sparql import LANG_TAG, QueryError, analyse, check_iri, predeclared_prefixes
from kzgraph.vocab import LANGUAGE_IRI, XSD

NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
#: schemes taken as IRIs (not as prefixes) when written without <...>
IRI_SCHEMES = frozenset({"http", "https", "urn", "mailto", "tag", "file", "ftp", "did", "doi",
                         "info", "data"})

#: parameter type -> what a value looks like (shown by ``--list`` and in errors)
PARAM_TYPES: dict[str, str] = {
    "iri": "an IRI (https://...) or a prefixed name such as kz:Source",
    "category": "a category slug such as independent-media",
    "perspective": "a perspective slug such as alternative-views",
    "source": "a source slug such as feminita",
    "guide": "a guide slug such as kazakhstan",
    "country": "an ISO 3166-1 code or a country name, such as KZ or Kazakhstan",
    "language": "an ISO 639-1 code of a language a source publishes in, such as kk",
    "lang": "a language tag for texts, such as en or ru",
    "string": "any text",
    "langstring": "text with a language tag, such as Feminita@ru",
    "date": "a date, YYYY-MM-DD",
    "integer": "a whole number",
    "boolean": "true or false",
}


class ParameterError(QueryError):
    """A parameter value is missing, unknown or of the wrong type."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query."""

    name: str
    type: str
    default: str | None = None
    optional: bool = False
    doc: str = ""

    def describe(self) -> str:
        if self.default is not None:
            return f"{self.name}={self.default} ({self.type})"
        return f"{self.name} ({self.type}, {'optional' if self.optional else 'required'})"


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: its name (the file stem), header and SPARQL text (header included)."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    @property
    def form(self) -> str:
        return analyse(self.text).form or "SELECT"


def _header(text: str) -> tuple[str, int]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:]
        lines.append(body[1:] if body.startswith(" ") else body)
    return "\n".join(lines), len(lines)


def parse_saved(path: Path, text: str | None = None) -> SavedQuery:
    """Read a saved query file and check its header. Raises QueryError naming the file."""
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{path}: cannot read it: {exc}") from exc
    header, n = _header(text)
    try:
        meta = yaml.safe_load(header) if n else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise QueryError(f"{where}: the comment header is not valid YAML: "
                         f"{getattr(exc, 'problem', exc)}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("title"), str) \
            or not isinstance(meta.get("description"), str):
        raise QueryError(f"{path}: the query needs a comment header with a 'title' and a "
                         "'description' (lines starting with '# title:' and "
                         "'# description:').")
    unknown = set(meta) - {"title", "description", "params"}
    if unknown:
        raise QueryError(f"{path}: unknown header key(s) {', '.join(sorted(unknown))}; use "
                         "title, description and params.")
    params = tuple(_params(path, meta.get("params") or {}, text))
    return SavedQuery(path.stem, path, meta["title"].strip(),
                      " ".join(meta["description"].split()), params, text)


def _params(path: Path, raw: object, text: str) -> Iterable[Param]:
    if not isinstance(raw, dict):
        raise QueryError(f"{path}: 'params' must map each parameter name to its type, "
                         "default and doc.")
    variables = analyse(text).variables
    for name, spec in raw.items():
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            raise QueryError(f"{path}: parameter {name!r} needs a 'type', one of "
                             f"{', '.join(PARAM_TYPES)}.")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)) or name not in variables:
            raise QueryError(f"{path}: parameter {name!r} is not a variable (?{name}) of the "
                             "query.")
        extra = set(spec) - {"type", "default", "optional", "doc"}
        if extra:
            raise QueryError(f"{path}: parameter {name!r} has unknown key(s) "
                             f"{', '.join(sorted(extra))}.")
        default = spec.get("default")
        yield Param(str(name), spec["type"], None if default is None else str(default),
                    bool(spec.get("optional", False)), " ".join(str(spec.get("doc", "")).split()))


class Catalog:
    """The saved queries of one folder, by name."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.rq"))

    def all(self) -> list[SavedQuery]:
        return [self.get(name) for name in self.names()]

    def get(self, name: str) -> SavedQuery:
        path = self.folder / f"{name}.rq"
        if not NAME.fullmatch(name) or not path.is_file():
            raise QueryError(f"There is no saved query named {name!r}; 'kzgraph query --list' "
                             "shows them.")
        return parse_saved(path)


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The saved queries kzgraph ships (``queries/``)."""
    from kzgraph.resources import data_dir

    return Catalog(data_dir("queries"))


# --------------------------------------------------------------------------- values -> terms


def _slug_iri(kind: str, value: str, base: str) -> URIRef:
    from kzgraph.graph.iris import Minter

    if re.match(r"https?://", value):
        return URIRef(check_iri(value))
    prefix, sep, _ = value.partition(":")
    if (value.startswith("<") and value.endswith(">")) or \
            (sep and prefix in predeclared_prefixes(base)):
        return _iri(value, base)  # as a table prints it: <sources/sources/feminita/>, category:x
    if not SLUG.fullmatch(value):
        # Not a slug: percent-encoded, it names no resource (the query then matches nothing).
        value = urllib.parse.quote(value, safe="")
    return Minter(base).page(kind, value)


def to_term(param: Param, value: str, base: str) -> Node:
    """The RDF term for ``value`` as a parameter of ``param``'s type, or ParameterError."""
    kind = param.type
    what = f"--param {param.name}={value}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError(f"{what}: the value is not valid Unicode text.") from None
    try:
        if kind in ("category", "perspective", "source", "guide"):
            return _slug_iri(kind, value, base)
        if kind == "iri":
            return _iri(value, base)
        if kind == "country":
            return _country(value, base)
        if kind == "language":
            from kzgraph.content.countries import language_name

            code = value.strip().lower()
            if not re.fullmatch(r"[a-z]{2}", code) or language_name(code) is None:
                raise ParameterError("not an ISO 639-1 language code")
            return URIRef(LANGUAGE_IRI + code)
        if kind == "lang":
            if not LANG_TAG.fullmatch(value):
                raise ParameterError("not a language tag")
            return Literal(value.lower())
        if kind == "langstring":
            text, sep, tag = value.rpartition("@")
            if not sep or not LANG_TAG.fullmatch(tag):
                raise ParameterError("not text followed by @ and a language tag")
            return Literal(text, lang=tag.lower())
        if kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ParameterError("not a date written YYYY-MM-DD")
            dt.date.fromisoformat(value)
            return Literal(value, datatype=XSD.date)
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", value.strip()):
                raise ParameterError("not a whole number")
            return Literal(int(value), datatype=XSD.integer)
        if kind == "boolean":
            if value.lower() not in ("true", "false"):
                raise ParameterError("not true or false")
            return Literal(value.lower() == "true", datatype=XSD.boolean)
        return Literal(value)
    except (QueryError, ValueError) as exc:
        reason = str(exc).rstrip(".") if isinstance(exc, QueryError) else f"not valid ({exc})"
        raise ParameterError(f"{what}: {reason}; '{param.name}' takes "
                             f"{PARAM_TYPES[kind]}.") from None


def _iri(value: str, base: str) -> URIRef:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        inner = value[1:-1]
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", inner):
            # relative, as tables print the data's IRIs: resolved against the base
            inner = urllib.parse.urljoin(base, inner)
        return URIRef(check_iri(inner))
    prefix, sep, local = value.partition(":")
    known = predeclared_prefixes(base)
    if sep and prefix in known and not local.startswith("//"):
        return URIRef(check_iri(known[prefix] + local))
    if sep and prefix.lower() not in IRI_SCHEMES and not local.startswith("//"):
        raise ParameterError(f"'{prefix}:' is not a predeclared prefix ('kzgraph prefixes' "
                             "lists them); write a full IRI in <...>")
    return URIRef(check_iri(value))


def _country(value: str, base: str) -> URIRef:
    from kzgraph.content.countries import resolve_country
    from kzgraph.graph.iris import Minter

    code = resolve_country(value, "en") or resolve_country(value, "ru")
    if code is None:
        raise ParameterError("not a country kzgraph knows")
    return Minter(base).country(code)


def parse_assignments(raw: Sequence[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` -> ``{"a": "1", "b": "x=y"}``; ParameterError for a malformed one."""
    out: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
            raise ParameterError(f"--param {item!r}: write it as NAME=VALUE (for example "
                                 "--param category=local-ngo).")
        if name.strip() in out:
            raise ParameterError(f"--param {name.strip()} is given twice.")
        out[name.strip()] = value
    return out


def bind(params: Sequence[Param], given: Mapping[str, str], base: str,
         strict: bool = True) -> dict[str, Node]:
    """The terms for a query's parameters: the values given, else the defaults. Optional
    parameters without a value stay unbound. With ``strict``, a value for a parameter the query
    does not declare is an error; otherwise it is bound as a plain string."""
    declared = {p.name: p for p in params}
    unknown = [name for name in given if name not in declared]
    if unknown and strict:
        known = ", ".join(declared) or "none"
        raise ParameterError(f"Unknown parameter(s) {', '.join(unknown)}; this query takes: "
                             f"{known}.")
    out: dict[str, Node] = {}
    for p in params:
        value = given.get(p.name, p.default)
        if value is None:
            if not p.optional:
                raise ParameterError(f"The parameter '{p.name}' is required: add --param "
                                     f"{p.name}=VALUE ({PARAM_TYPES[p.type]}).")
            continue
        out[p.name] = to_term(p, value, base)
    for name in unknown:
        out[name] = to_term(Param(name, "string"), given[name], base)
    return out


def saved_from_file(path: Path, text: str) -> SavedQuery | None:
    """The query of a ``--file`` as a saved query when it has a header (title, params), else
    None (a plain query)."""
    header, n = _header(text)
    try:
        meta = yaml.safe_load(header) if n else None
    except yaml.YAMLError:
        meta = None
    if isinstance(meta, dict) and ("title" in meta or "params" in meta):
        return parse_saved(path, text)
    return None


@dataclass(frozen=True)
class QuerySource:
    """What to run: the text, its declared parameters, and where it came from."""

    text: str
    params: tuple[Param, ...]
    source: str | None
    strict: bool


def resolve(argument: str | None, file_text: str | None = None,
            file_name: str | None = None) -> QuerySource:
    """The query named by the command line: a saved query's name, an inline query, or the text
    of ``--file``."""
    if file_text is not None:
        if argument:
            raise QueryError("Give either a query (or a saved query's name) or --file, not "
                             "both.")
        saved = saved_from_file(Path(file_name or "query.rq"), file_text)
        if saved is not None:
            return QuerySource(saved.text, saved.params, file_name, True)
        return QuerySource(file_text, (), file_name, False)
    if not argument or not argument.strip():
        raise QueryError("Give a query, a saved query's name ('kzgraph query --list' shows "
                         "them) or --file.")
    if NAME.fullmatch(argument.strip()):
        saved = catalog().get(argument.strip())
        return QuerySource(saved.text, saved.params, f"queries/{saved.name}.rq", True)
    return QuerySource(argument, (), None, False)
