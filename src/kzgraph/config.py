"""Settings: the base IRI, the content folder and the default language.

They are read from ``kzgraph.toml`` (top-level keys) or from the ``[tool.kzgraph]`` table of a
``pyproject.toml``, searched for from the working folder upwards. Nothing else in kzgraph knows
the base IRI: every module receives it through :class:`Settings`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from kzgraph.errors import ConfigError, brief
from kzgraph.hugoconfig import HUGO_CONFIG_FILES, HugoConfig, hugo_config  # noqa: F401
from kzgraph.hugoconfig import PERMALINK_TOKEN, PERMALINK_TOKENS, unknown_tokens

DEFAULT_BASE = "https://kzgraph.example/"
DEFAULT_LANGUAGE = "en"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_PUBLISHER = "kzgraph contributors"
#: Hugo's taxonomies when a site declares none (their plural names, the front-matter keys)
DEFAULT_TAXONOMIES = ("categories", "tags")


@dataclass(frozen=True)
class Settings:
    """What a run needs to know besides the content itself.

    :param base: the base IRI every data IRI is minted under; ends with ``/``
    :param content: the content folder
    :param default_language: the language of ``index.md`` files (those with no language suffix)
    :param license: the IRI of the licence the published data is under (DCAT ``dcterms:license``)
    :param publisher: who publishes the data: a name, or the IRI of an agent
    :param sparql_endpoint: the public SPARQL endpoint serving the data, where there is one
    :param drafts: publish drafts; :param build_date: the date publication is judged on;
    :param site_bases: the Hugo site's own addresses, if other than ``base``
    """

    base: str = DEFAULT_BASE
    content: Path = Path("content")
    default_language: str = DEFAULT_LANGUAGE
    license: str = DEFAULT_LICENSE
    publisher: str = DEFAULT_PUBLISHER
    sparql_endpoint: str | None = None
    #: publish pages marked ``draft: true`` (``--drafts``, as ``hugo -D``)
    drafts: bool = False
    #: the date publication windows (``publishDate``, ``expiryDate``) are judged on; None: today
    build_date: dt.date | None = None
    #: other addresses the site is published under (a Hugo ``baseURL``): links to them are
    #: links within the site
    site_bases: tuple[str, ...] = ()
    #: folders of the content folder that each hold one language's pages (Hugo's
    #: ``contentDir`` per language): folder name -> language
    language_dirs: dict[str, str] | None = field(default=None, hash=False)
    #: the front-matter keys the Hugo site declares as taxonomies (plural names, lower case),
    #: and how Hugo makes a path of a term: lower-cased unless ``disablePathToLower``, its
    #: accents removed when ``removePathAccents`` (:mod:`kzgraph.content.taxonomies`)
    taxonomies: tuple[str, ...] = DEFAULT_TAXONOMIES
    path_to_lower: bool = True
    remove_path_accents: bool = False
    #: Hugo's ``[permalinks]``: (section, pattern) pairs, by section, for the sections kzgraph
    #: reads (:mod:`kzgraph.content.permalinks`)
    permalinks: tuple[tuple[str, str], ...] = ()
    #: Hugo's ``uglyURLs``: true serves every page at ``<path>.html`` (and writes its aliases
    #: so); a table of sections, only those sections' pages (``ugly_sections``)
    ugly_urls: bool = False
    ugly_sections: tuple[str, ...] = ()
    #: how many items one page of a site listing shows (Hugo's ``pagination.pagerSize``, or
    #: ``paginate`` before Hugo 0.128; Hugo's default is 10): the rest on ``page/2/``, ...
    pager_size: int = 10
    #: what reading the Hugo site's configuration warns of (a theme's key Hugo does not take,
    #: a module kzgraph cannot read), each naming the file and the key; said, not compared
    hugo_warnings: tuple[str, ...] = field(default=(), compare=False, hash=False)

    def permalink(self, section: str) -> str | None:
        """The ``[permalinks]`` pattern of a section (``sources``), if the site gives one."""
        return next((pattern for key, pattern in self.permalinks if key == section), None)

    def ugly(self, section: str) -> bool:
        """Whether Hugo serves the pages of a section at ``<path>.html`` (``uglyURLs``)."""
        return self.ugly_urls or section in self.ugly_sections

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        if parts.scheme not in ("http", "https") or not parts.netloc or not self.base.endswith("/"):
            raise ConfigError(
                f"The base IRI {self.base!r} must be an absolute http(s) IRI ending with '/'."
            )
        for key in ("license", "sparql_endpoint"):
            value = getattr(self, key)
            if value is not None and not _is_web_iri(value):
                raise ConfigError(f"The setting '{key}' ({value!r}) must be an absolute http(s) "
                                  "IRI, such as 'https://creativecommons.org/licenses/by/4.0/'.")
        if not self.publisher.strip():
            raise ConfigError("The setting 'publisher' is empty: give a name or an IRI.")

    def with_content(self, content: Path | str | None) -> Settings:
        return self if content is None else replace(self, content=Path(content))


def _is_web_iri(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


#: every setting kzgraph reads, in the order the README lists them
KEYS = ("base", "content", "default_language", "license", "publisher", "sparql_endpoint")


def _unknown(path: Path, where: str, key: str) -> ConfigError:
    close = difflib.get_close_matches(key, KEYS, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return ConfigError(f"{path}: unknown setting '{key}' in {where}.{hint} kzgraph knows: "
                       f"{', '.join(KEYS)}.")


def _table(path: Path) -> dict[str, object] | None:
    """The settings of ``path``: the top level of a ``kzgraph.toml`` (or its
    ``[tool.kzgraph]`` table, as a ``pyproject.toml`` has it), the ``[tool.kzgraph]`` table of a
    ``pyproject.toml`` (None when it has none). An unknown key, or settings in a table
    kzgraph does not read, is an error that names it: nothing written there is ignored."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the settings: {exc}") from exc
    if path.name == "kzgraph.toml":
        tool = data.get("tool")
        if isinstance(tool, dict) and "kzgraph" in tool:
            others = [k for k in data if k != "tool"] + [f"tool.{k}" for k in tool
                                                         if k != "kzgraph"]
            if others:
                raise ConfigError(f"{path}: settings both at the top level and in "
                                  f"[tool.kzgraph] ({', '.join(others)}): write them in one "
                                  "place (a kzgraph.toml needs no table).")
            table = tool["kzgraph"]
            where = "[tool.kzgraph]"
        else:
            table, where = data, "the top level"
    else:
        if "kzgraph" in data:
            raise ConfigError(f"{path}: a [kzgraph] table is not read in pyproject.toml: "
                              "name it [tool.kzgraph].")
        tool = data.get("tool", {})
        table = tool.get("kzgraph") if isinstance(tool, dict) else None
        if table is None:
            return None
        where = "[tool.kzgraph]"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a table of settings.")
    for key, value in table.items():
        if key not in KEYS:
            if isinstance(value, dict):
                raise ConfigError(f"{path}: a table [{key}] in {where} is not read: kzgraph's "
                                  f"settings are plain keys ({', '.join(KEYS)}).")
            raise _unknown(path, where, key)
        if not isinstance(value, str):
            raise ConfigError(f"{path}: the setting '{key}' must be a string (in quotes).")
    return table


def is_placeholder(settings: Settings) -> bool:
    """Whether the base IRI is still the placeholder nobody can look up."""
    return settings.base == DEFAULT_BASE


PLACEHOLDER_WARNING = (
    f"warning: the base IRI is the placeholder {DEFAULT_BASE}, so no published IRI can be "
    "looked up: set base = \"https://your.domain/path/\" in kzgraph.toml (or [tool.kzgraph] in "
    "pyproject.toml).")


def find_settings(start: Path | None = None) -> Settings:
    """Settings from the nearest ``kzgraph.toml`` or ``pyproject.toml`` with ``[tool.kzgraph]``.

    Relative paths in the file are taken relative to the file's folder. Without such a file,
    the defaults apply, with ``content`` relative to the working folder.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("kzgraph.toml", "pyproject.toml"):
            candidate = folder / name
            if not candidate.is_file():
                continue
            table = _table(candidate)
            if table is None:
                continue
            try:
                return _settings_of(folder, table)
            except ConfigError as exc:
                raise ConfigError(f"{candidate}: {exc}") from None
    return Settings()


def _settings_of(folder: Path, table: dict[str, object]) -> Settings:
    return Settings(
        base=str(table.get("base", DEFAULT_BASE)),
        content=folder / str(table.get("content", "content")),
        default_language=str(table.get("default_language", DEFAULT_LANGUAGE)),
        license=str(table.get("license", DEFAULT_LICENSE)),
        publisher=str(table.get("publisher", DEFAULT_PUBLISHER)),
        sparql_endpoint=str(table["sparql_endpoint"]) if table.get("sparql_endpoint") else None,
    )


def with_hugo_site(settings: Settings, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings completed from the Hugo site the content folder belongs to (the content
    folder's parent), where it has a configuration: its ``hugo.toml`` (or ``config.yaml``, ...)
    and its configuration folder ``config/_default/`` and ``config/<environment>/``, merged
    as Hugo merges them (:mod:`kzgraph.hugoconfig`):

    - ``baseURL``: links to it are links within the site; it is the base IRI unless kzgraph's
      own settings give one;
    - ``defaultContentLanguage``: the language of files with no language in their name,
      unless kzgraph's settings give one;
    - ``languages.<lang>.contentDir``: a folder of the content folder that holds one
      language's pages (``content/ru``);
    - ``taxonomies`` (``region = "regions"``): the front-matter keys whose values are terms
      with pages of their own, and ``disablePathToLower``/``removePathAccents``: how Hugo makes
      their paths (and those of pages);
    - ``permalinks`` (``sources = "/s/:slug/"``): where Hugo serves the pages of a section,
      and the term pages of a declared taxonomy (``regions = "/r/:slug/"``), where its concepts
      are too; a pattern with a token kzgraph cannot expand, or a taxonomy's it cannot follow,
      is an error naming the file and the key;
    - ``uglyURLs`` (true, or a table ``sources = true``): pages at ``<path>.html``;
    - ``pagination.pagerSize`` (or the older ``paginate``): the items on one page of a
      listing of the site kzgraph makes.

    The site's theme components are read too, and what Hugo 0.111 takes from them (none of
    these keys) merged; what kzgraph leaves out or cannot read is in ``hugo_warnings``.

    A value of the wrong kind for one of these keys is an error naming the file and the key.

    :param environ: the environment variables Hugo reads (``HUGO_ENVIRONMENT``, ``HUGO_ENV``,
        ``HUGO_BASEURL``, ...); the process's own by default
    """
    site = Path(settings.content).resolve().parent
    config = hugo_config(site, environ)
    if config is None:
        return settings
    changes: dict[str, object] = {}
    base_url = _hugo_text(config, "baseURL")
    if base_url is not None and _is_web_iri(base_url):
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        changes["site_bases"] = tuple(dict.fromkeys((*settings.site_bases, base_url)))
        if settings.base == DEFAULT_BASE:
            changes["base"] = base_url
    language = _hugo_text(config, "defaultContentLanguage")
    if language is not None and settings.default_language == DEFAULT_LANGUAGE:
        if not language.strip():
            raise ConfigError(f"{config.origin('defaultContentLanguage')}: "
                              "'defaultContentLanguage' is empty: give a language code ('en').")
        changes["default_language"] = language.lower()
    dirs: dict[str, str] = dict(settings.language_dirs or {})
    languages = config.get("languages")
    if languages is not None and not isinstance(languages, dict):
        raise ConfigError(f"{config.origin('languages')}: 'languages' must be a table of "
                          f"languages ([languages.en], ...), not {brief(languages)}.")
    content = Path(settings.content).resolve()
    for code, table in (languages or {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{config.origin('languages', code)}: 'languages.{code}' must be "
                              f"a table of the language's settings, not {brief(table)}.")
        folder = _hugo_text(config, "languages", code, "contentDir")
        if folder is None:
            continue
        where = (site / folder).resolve()
        if where.parent == content:
            dirs[where.name] = str(code).lower()
        elif where != content:
            raise ConfigError(
                f"{config.origin('languages', code, 'contentDir')}: the content folder of "
                f"language '{code}' ({folder}) must be a folder of {settings.content} for "
                "kzgraph to read it.")
    hugo_default = (language or DEFAULT_LANGUAGE).lower()
    if languages and hugo_default not in languages:
        where = config.origin("defaultContentLanguage" if language else "languages")
        raise ConfigError(f"{where}: the default language '{hugo_default}' "
                          f"(defaultContentLanguage) is not one of the site's languages "
                          f"({', '.join(sorted(languages))}), so Hugo will not build the site: "
                          "add it to 'languages' or set defaultContentLanguage to one of them.")
    if dirs:
        changes["language_dirs"] = dirs
    changes.update(_hugo_taxonomies(config))
    changes.update(_hugo_permalinks(config, changes.get("taxonomies", DEFAULT_TAXONOMIES)))
    changes.update(_hugo_ugly_urls(config))
    changes.update(_hugo_pager_size(config))
    if config.warnings:
        changes["hugo_warnings"] = tuple(config.warnings)
    return replace(settings, **changes) if changes else settings


#: the first part of the paths kzgraph's own IRIs and site pages take: a taxonomy named so
#: would mint its terms' IRIs among them
RESERVED_PATHS = frozenset({
    "build", "catalog", "categories", "category", "commit", "countries", "country", "dataset",
    "file", "graph", "guides", "pagefind", "people", "perspective", "perspectives", "publisher",
    "search", "software", "sources", "sparql", "static"})


def _hugo_taxonomies(config: HugoConfig) -> dict[str, object]:
    """The settings of the Hugo configuration's ``taxonomies`` table and path options."""
    out: dict[str, object] = {}
    table = config.get("taxonomies")
    if table is not None:
        if not isinstance(table, dict):
            raise ConfigError(f"{config.origin('taxonomies')}: 'taxonomies' must be a table of "
                              f"singular = \"plural\" names, not {brief(table)}.")
        plurals = []
        for singular in table:
            plural = _hugo_text(config, "taxonomies", singular)
            if plural is None or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", plural):
                raise ConfigError(f"{config.origin('taxonomies', singular)}: the taxonomy "
                                  f"'{singular}' must be named by a plural word, such as "
                                  f"\"regions\", not {brief(plural)}.")
            plural = plural.lower()
            if plural in RESERVED_PATHS and plural not in DEFAULT_TAXONOMIES:
                raise ConfigError(f"{config.origin('taxonomies', singular)}: a taxonomy named "
                                  f"'{plural}' would put its terms at /{plural}/, where kzgraph "
                                  "publishes its own pages: choose another name.")
            plurals.append(plural)
        out["taxonomies"] = tuple(sorted(set(plurals)))
    for key, name, invert in (("disablePathToLower", "path_to_lower", True),
                              ("removePathAccents", "remove_path_accents", False)):
        value = config.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise ConfigError(f"{config.origin(key)}: the Hugo setting '{key}' must be true or "
                              f"false, not {brief(value)}.")
        out[name] = not value if invert else value
    return out


#: the sections kzgraph reads pages from (:data:`kzgraph.content.layout.KINDS`)
SECTIONS = ("categories", "guides", "perspectives", "sources")


#: the tokens that read a page's date: a term page's is the newest of its pages', which kzgraph
#: does not follow
DATE_TOKENS = ("year", "month", "monthname", "day", "weekday", "weekdayname", "yearday")


def _hugo_permalinks(config: HugoConfig, taxonomies: tuple[str, ...]) -> dict[str, object]:
    """The ``[permalinks]`` patterns of the sections kzgraph reads and of the taxonomies it
    makes concepts of (``taxonomies``, but for Hugo's defaults, which kzgraph reads as its own
    keys); those of other sections serve no page kzgraph links to, and are left to Hugo (their
    tokens are checked all the same: Hugo refuses a site with an unknown one)."""
    table = config.get("permalinks")
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{config.origin('permalinks')}: 'permalinks' must be a table of "
                          f"section = \"pattern\" ([permalinks] sources = \"/s/:slug/\"), not "
                          f"{brief(table)}.")
    found = []
    declared = config.get("taxonomies")
    singulars = {str(k): str(v).lower() for k, v in declared.items()} \
        if isinstance(declared, dict) else {"category": "categories", "tag": "tags"}
    for section in table:
        pattern = _hugo_text(config, "permalinks", section)
        if pattern is None:
            continue
        bad = unknown_tokens(pattern)
        if bad:
            raise ConfigError(
                f"{config.origin('permalinks', section)}: the permalink pattern "
                f"'permalinks.{section}' (\"{pattern}\") uses {', '.join(bad)}, which kzgraph "
                f"cannot expand as Hugo 0.111 does: use only "
                f"{', '.join(':' + t for t in PERMALINK_TOKENS)}.")
        if section in SECTIONS:
            found.append((section, pattern))
        elif section in taxonomies and section not in DEFAULT_TAXONOMIES:
            _check_term_pattern(config, section, pattern)
            found.append((section, pattern))
        elif section in singulars and singulars[section] != section:
            config.warnings.append(
                f"{config.origin('permalinks', section)}: 'permalinks.{section}' names the "
                f"taxonomy '{singulars[section]}' by its singular: Hugo 0.111 reads a "
                f"taxonomy's pattern under its plural name ('permalinks.{singulars[section]}') "
                "and moves no page by this one; neither does kzgraph.")
    _check_term_paths_apart(config, [t for t in taxonomies if t not in DEFAULT_TAXONOMIES],
                            dict(found))
    return {"permalinks": tuple(sorted(found))}


def _check_term_pattern(config: HugoConfig, plural: str, pattern: str) -> None:
    """A taxonomy's pattern must tell its terms apart (``:slug`` or ``:title``), read no date
    (a term's is its newest page's) and not start where kzgraph publishes its own pages."""
    where = f"{config.origin('permalinks', plural)}: the permalink pattern " \
            f"'permalinks.{plural}' (\"{pattern}\")"
    tokens = {m.group(1) for m in PERMALINK_TOKEN.finditer(pattern)}
    dated = sorted(tokens & set(DATE_TOKENS))
    if dated:
        raise ConfigError(f"{where} places the taxonomy's term pages by "
                          f"{', '.join(':' + t for t in dated)}: Hugo gives a term the date of "
                          "its newest page, which kzgraph does not follow, so it cannot tell "
                          "where the terms are. Use :slug or :title (and :section) only.")
    if not tokens & {"slug", "title"}:
        raise ConfigError(f"{where} has neither :slug nor :title, so Hugo would write every "
                          "term of the taxonomy at one path, one over another, without a word: "
                          "add :slug.")
    first = pattern.strip("/").split("/", 1)[0]
    if first.lower() in RESERVED_PATHS and not PERMALINK_TOKEN.search(first):
        raise ConfigError(f"{where} would put the taxonomy's terms under /{first}/, where "
                          "kzgraph publishes its own pages: choose another path.")


def _check_term_paths_apart(config: HugoConfig, plurals: list[str],
                            patterns: dict[str, str]) -> None:
    """Two taxonomies whose terms Hugo would serve at one path (``tags = "/t/:slug/"`` and
    ``regions = "/t/:slug/"``, or a pattern into another taxonomy's folder) are an error."""
    seen: dict[str, str] = {}
    for plural in sorted(plurals):
        pattern = patterns.get(plural, f"/{plural}/:slug/")
        values = {"section": plural, "sections": plural, "title": "term", "slug": "term"}
        path = PERMALINK_TOKEN.sub(lambda m, v=values: v.get(m.group(1), ""), pattern.lower())
        path = re.sub(r"/{2,}", "/", path).strip("/")
        if path in seen:
            keys = [f"'permalinks.{p}'" for p in (seen[path], plural) if p in patterns]
            raise ConfigError(f"{config.origin('permalinks')}: the taxonomies "
                              f"'{seen[path]}' and '{plural}' put their terms at the same "
                              f"paths (by {' and '.join(keys)}): Hugo writes one term's page "
                              "over the other's, without a word. Give them different paths.")
        seen[path] = plural


def _hugo_ugly_urls(config: HugoConfig) -> dict[str, object]:
    """``uglyURLs``: true or false, or a table of sections, each true or false."""
    value = config.get("uglyURLs")
    if value is None or isinstance(value, bool):
        return {} if value is None else {"ugly_urls": value}
    if not isinstance(value, dict):
        raise ConfigError(f"{config.origin('uglyURLs')}: the Hugo setting 'uglyURLs' must be "
                          f"true, false or a table of sections (sources = true), not "
                          f"{brief(value)}.")
    sections = []
    for section, ugly in value.items():
        if not isinstance(ugly, bool):
            raise ConfigError(f"{config.origin('uglyURLs', section)}: the Hugo setting "
                              f"'uglyURLs.{section}' must be true or false, not {brief(ugly)}.")
        if ugly:
            sections.append(section)
    return {"ugly_sections": tuple(sorted(sections))}


def _hugo_pager_size(config: HugoConfig) -> dict[str, object]:
    """``pagination.pagerSize`` (Hugo 0.128 and later), else ``paginate`` (older Hugo): a
    whole number of items a listing page shows, at least 1."""
    for keys in (("pagination", "pagerSize"), ("paginate",)):
        value = config.get(*keys)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{config.origin(*keys)}: the Hugo setting '{'.'.join(keys)}' "
                              f"must be a whole number of items, 1 or more, not {brief(value)}.")
        return {"pager_size": value}
    return {}


def _hugo_text(config: HugoConfig, *keys: str) -> str | None:
    """The text at a key path of a Hugo configuration; another kind of value is an error that
    names the file (or environment variable) and the key."""
    value = config.get(*keys)
    if value is None or isinstance(value, str):
        return value
    raise ConfigError(f"{config.origin(*keys)}: the Hugo setting '{'.'.join(keys)}' must be a "
                      f"text (in quotes), not {brief(value)}.")
