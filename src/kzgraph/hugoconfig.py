"""A Hugo site's configuration, read and merged as Hugo (0.111) reads and merges it.

Hugo reads, each merged on top of the one before:

1. the site configuration file in the site's folder: the first of ``hugo.toml``,
   ``hugo.yaml``, ``hugo.yml``, ``hugo.json``, ``config.toml``, ... (:data:`HUGO_CONFIG_FILES`);
   only that one;
2. the configuration folder ``config/``: every ``.toml``, ``.yaml``, ``.yml`` and ``.json``
   file of ``config/_default/`` and then of ``config/<environment>/`` (``production``, or
   ``HUGO_ENVIRONMENT``, else ``HUGO_ENV``, as ``hugo`` builds), each folder walked in name
   order, sub-folders included. A file named ``hugo.*`` or ``config.*`` holds root keys; any
   other holds the one root key it is named after (``languages.toml`` is the ``languages``
   table); a file with a language in its name goes under that language (``params.ru.toml`` ->
   ``languages.ru.params``, ``menus.en.toml`` -> ``languages.en.menus``, any other
   ``<name>.<lang>.toml`` -> ``languages.<lang>``);
3. environment variables ``HUGO_<KEY>`` (``HUGO_BASEURL``; the character after ``HUGO``
   separates nested keys: ``HUGO_LANGUAGES_RU_CONTENTDIR``).

Then the configuration of the site's theme components, each read the same way from its own
folder (files and ``config/``, no variables): ``theme = "x"`` (or a list) is ``themes/x/``
(the site's ``themesDir``), and so is a ``[[module.imports]]`` ``path = "x"``; a Go module path
(``github.com/owner/theme``) is read from the site's ``_vendor/`` folder, where ``hugo mod
vendor`` puts it, and otherwise cannot be read here (kzgraph fetches nothing): a warning naming
the file and key says so (:attr:`HugoConfig.warnings`), as for a theme folder that is missing.
A component's own ``theme`` and imports are read after it. Hugo 0.111 takes from a component
only what the site's defaults leave open: ``params``, deep-merged under the site's (checked with
the real binary by ``tests/test_hugo_themes.py``); its ``baseURL``, ``taxonomies``,
``permalinks``, ``uglyURLs``, ``languages``, pagination and path settings are not used, even
where the site sets none, so kzgraph leaves them too, with a warning naming the file and key.

Hugo's ``--configDir`` flag can name another folder; no variable can (Hugo 0.111 looks
``HUGO_CONFIGDIR`` up only when that flag is empty, and it never is), so kzgraph reads
``config/``. Merging is Hugo's: tables merge key by key, at every depth; any other value
replaces the one before it. Keys are case-insensitive (Hugo lower-cases them): ``baseURL`` and
``baseurl`` are one key. The merged configuration remembers which file gave each value, so
that an error about a value names the file it is written in.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from kzgraph.errors import ConfigError

#: Hugo's site configuration files, in the order Hugo looks for them (it reads the first found)
HUGO_CONFIG_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml",
                     "config.yaml", "config.yml", "config.json")
#: the file names (without extension) that hold root keys in the configuration folder
ROOT_NAMES = ("hugo", "config")
#: the extensions Hugo reads configuration from
EXTENSIONS = ("toml", "yaml", "yml", "json")
#: the environment ``hugo`` builds for unless told otherwise
DEFAULT_ENVIRONMENT = "production"

Key = tuple[str, ...]

#: the tokens of a ``[permalinks]`` pattern Hugo 0.111 expands and kzgraph follows
#: (:mod:`kzgraph.content.permalinks`); Hugo 0.111 also takes ``:sections[...]`` slices and
#: Go date layouts (``:2006``), which kzgraph does not read, and knows no other (no
#: ``:contentbasename``: that came later)
PERMALINK_TOKENS = ("year", "month", "monthname", "day", "weekday", "weekdayname", "yearday",
                    "section", "sections", "title", "slug", "filename", "slugorfilename")
#: a token of a permalink pattern, as Hugo finds them
PERMALINK_TOKEN = re.compile(r":(\w+)(\[[^\]]*\])?")


def unknown_tokens(pattern: str) -> list[str]:
    """The tokens of a permalink pattern kzgraph cannot expand (as written, ``:foo``)."""
    return [m.group(0) for m in PERMALINK_TOKEN.finditer(pattern)
            if m.group(2) or m.group(1) not in PERMALINK_TOKENS]


@dataclass
class HugoConfig:
    """A Hugo site's merged configuration.

    :param site: the site's folder
    :param environment: the environment whose configuration folder was merged
    :param files: the files read, in the order they were merged
    :param data: the merged configuration, every key lower-cased
    """

    site: Path
    environment: str
    files: list[Path] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)
    #: which file (or environment variable) gave the value at a key path
    origins: dict[Key, str] = field(default_factory=dict)
    #: what kzgraph could not read, or reads and leaves out as Hugo does (a theme's keys), each
    #: naming the file and the key
    warnings: list[str] = field(default_factory=list)

    def get(self, *keys: str) -> object | None:
        """The value at a key path (any case), or None."""
        node: object = self.data
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key.lower())
        return node

    def origin(self, *keys: str) -> str:
        """The file (or environment variable) that gave the value at a key path."""
        path = tuple(k.lower() for k in keys)
        for end in range(len(path), 0, -1):
            if path[:end] in self.origins:
                return self.origins[path[:end]]
        return str(self.files[-1]) if self.files else str(self.site)

    def merge(self, item: dict[str, object], origin: str | HugoConfig, under: Key = ()) -> None:
        """Merge ``item`` (keys lower-cased) at the key path ``under``, as Hugo's ``Set`` does:
        tables key by key, any other value replacing the one before. ``origin`` is the file
        (or variable) ``item`` comes from, or the configuration it is the data of."""
        def origin_of(at: Key) -> str:
            return origin if isinstance(origin, str) else origin.origin(*at[len(under):])

        node = self.data
        for depth, key in enumerate(under):
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
                self.origins[under[:depth + 1]] = origin_of(under[:depth + 1])
            node = child
        self._merge(node, item, under, origin_of)

    def _merge(self, node: dict, item: dict, at: Key, origin_of) -> None:
        for key, value in item.items():
            old = node.get(key)
            if isinstance(old, dict) and isinstance(value, dict):
                self._merge(old, value, (*at, key), origin_of)
            else:
                node[key] = value
                self._mark(value, (*at, key), origin_of)

    def _mark(self, value: object, at: Key, origin_of) -> None:
        self.origins[at] = origin_of(at)
        if isinstance(value, dict):
            for key, child in value.items():
                self._mark(child, (*at, key), origin_of)


def environment_of(environ: Mapping[str, str]) -> str:
    """The environment Hugo builds for: ``HUGO_ENVIRONMENT``, else ``HUGO_ENV`` (Netlify's),
    else ``production`` (what ``hugo`` builds; ``hugo server`` would take ``development``)."""
    for name in ("HUGO_ENVIRONMENT", "HUGO_ENV"):
        if environ.get(name):
            return environ[name]
    return DEFAULT_ENVIRONMENT


def hugo_config(site: Path, environ: Mapping[str, str] | None = None) -> HugoConfig | None:
    """The configuration of the Hugo site in the folder ``site``, merged as Hugo merges it, or
    None when the site has neither a configuration file nor a configuration folder.

    :param environ: the environment variables (``HUGO_ENVIRONMENT``, ``HUGO_ENV``,
        ``HUGO_<KEY>``); the process's own by default
    """
    environ = os.environ if environ is None else environ
    config = _read_folder(site, environment_of(environ))
    if config is None:
        return None
    _apply_environment(config, environ)
    _read_components(config)
    return config


def _read_folder(folder: Path, environment: str) -> HugoConfig | None:
    """The configuration of a site or theme folder, its file then its configuration folder,
    merged as Hugo merges them (no environment variables); None when it has none."""
    config = HugoConfig(site=folder, environment=environment)
    for name in HUGO_CONFIG_FILES:
        path = folder / name
        if path.is_file():
            config.merge(read_file(path), str(path))
            config.files.append(path)
            break
    # the configuration folder is merged on its own, then on top of the file (as Hugo does:
    # not the same as merging each of its files on top of the file, when a table replaces
    # a text that replaced a table)
    directory = HugoConfig(site=folder, environment=environment)
    for sub in ("_default", environment):
        if (folder / "config" / sub).is_dir():
            for path in _walk(folder / "config" / sub):
                directory.merge(read_file(path), str(path), _key_path(path))
                directory.files.append(path)
    config.merge(directory.data, directory)
    config.files.extend(directory.files)
    return config if config.files else None


#: the keys kzgraph reads from a site's configuration that Hugo 0.111 does not take from a
#: theme component's (a key path; ``*`` any language)
THEME_IGNORED = (("baseurl",), ("defaultcontentlanguage",), ("languages", "*", "contentdir"),
                 ("taxonomies",), ("permalinks",), ("uglyurls",), ("disablepathtolower",),
                 ("removepathaccents",), ("pagination", "pagersize"), ("paginate",))


def _components(config: HugoConfig, owner: HugoConfig) -> list[tuple[str, str, str]]:
    """The theme components ``owner`` names, in Hugo's order: (name or module path, the file
    that names it, the key)."""
    out: list[tuple[str, str, str]] = []
    imports = owner.get("module", "imports")
    for n, item in enumerate(imports if isinstance(imports, list) else []):
        where = owner.origin("module", "imports")
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            config.warnings.append(f"{where}: 'module.imports' entry {n + 1} has no 'path' "
                                   "text: kzgraph cannot tell which module it imports.")
        elif not item.get("disable") and not item.get("ignoreconfig"):
            out.append((item["path"], where, "module.imports"))
    theme = owner.get("theme")
    names = theme if isinstance(theme, list) else \
        [t.strip() for t in theme.split(",")] if isinstance(theme, str) else []
    for name in names:
        if isinstance(name, str) and name:
            out.append((name, owner.origin("theme"), "theme"))
    return out


def _read_components(config: HugoConfig) -> None:
    """Read the site's theme components (and theme components of theirs), merge what Hugo
    takes from them, and warn of what kzgraph cannot read or leaves out as Hugo does."""
    themes = config.get("themesdir")
    themes_dir = config.site / (themes if isinstance(themes, str) else "themes")
    pending = _components(config, config)
    seen: set[str] = set()
    vendored = _vendored(config.site)
    while pending:
        name, where, key = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        folder = themes_dir / name
        if not folder.is_dir() and name in vendored:
            folder = config.site / "_vendor" / name
        if not folder.is_dir():
            remote = "." in name.split("/", 1)[0]
            config.warnings.append(
                f"{where}: '{key}' names '{name}', " + (
                    "a module kzgraph cannot fetch (it reads no network): its configuration "
                    "is not read; 'hugo mod vendor' puts it in _vendor/, where kzgraph reads it."
                    if remote else f"but there is no folder {folder}: its configuration is "
                    "not read (Hugo will not build the site without it)."))
            continue
        theme = _read_folder(folder, config.environment)
        if theme is None:
            continue
        config.files.extend(theme.files)
        for path in THEME_IGNORED:
            for keys in _expand(theme.data, path):
                config.warnings.append(
                    f"{theme.origin(*keys)}: the theme's configuration sets "
                    f"'{'.'.join(keys)}', which Hugo 0.111 takes only from the site's own "
                    "configuration: kzgraph leaves it out too (set it in the site's "
                    "configuration to use it).")
        params = theme.get("params")
        if isinstance(params, dict):
            _merge_under(config, params, ("params",), theme)
        pending[:0] = _components(config, theme)  # depth first, as Hugo reads them


def _vendored(site: Path) -> set[str]:
    """The modules ``hugo mod vendor`` put in the site's ``_vendor/`` (its ``modules.txt``
    lists them, ``# github.com/owner/theme v1.0.0``), which Hugo reads instead of fetching."""
    try:
        text = (site / "_vendor" / "modules.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {line.split()[1] for line in text.splitlines()
            if line.startswith("# ") and len(line.split()) >= 2}


def _expand(data: dict, path: Key) -> list[Key]:
    """The key paths of ``data`` matching ``path`` (``*``: any key) that are set."""
    found: list[Key] = [()]
    for key in path:
        step: list[Key] = []
        for at in found:
            node: object = data
            for k in at:
                node = node.get(k) if isinstance(node, dict) else None
            if isinstance(node, dict):
                step.extend((*at, k) for k in (node if key == "*" else [key]) if k in node)
        found = step
    return found


def _merge_under(config: HugoConfig, item: dict, at: Key, theme: HugoConfig) -> None:
    """Merge a theme's table at ``at`` under the site's: each key the site does not set is
    the theme's, tables key by key (Hugo's deep merge of ``params``)."""
    node = config.get(*at)
    if node is None:
        config.merge({at[-1]: item}, theme.origin(*at), at[:-1])
        return
    if not isinstance(node, dict):
        return
    for key, value in item.items():
        old = node.get(key)
        if old is None:
            config.merge({key: value}, theme.origin(*at, key), at)
        elif isinstance(old, dict) and isinstance(value, dict):
            _merge_under(config, value, (*at, key), theme)


def _walk(folder: Path) -> list[Path]:
    """The configuration files of ``folder`` and its sub-folders, in the order Hugo walks them
    (the entries of each folder by name, a sub-folder's files where its name sorts)."""
    found: list[Path] = []
    for name in sorted(os.listdir(folder)):
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            found.extend(_walk(path))
        elif path.suffix[1:].lower() in EXTENSIONS and path.is_file():
            found.append(path)
    return found


def _key_path(path: Path) -> Key:
    """Where a file of the configuration folder goes: at the root (``hugo.toml``), under its
    name (``languages.toml``), or under a language (``params.ru.toml``)."""
    name = path.name.rsplit(".", 1)[0]
    if name in ROOT_NAMES:
        return ()
    stem, dot, lang = name.rpartition(".")
    if not dot:
        return (name.lower(),)
    stem, lang = stem.lower(), lang.lower()
    if stem in ("menu", "menus"):
        return ("languages", lang, "menus")
    if stem == "params":
        return ("languages", lang, "params")
    return ("languages", lang)


def read_file(path: Path) -> dict[str, object]:
    """One configuration file as a table, its keys lower-cased as Hugo has them.

    :raises ConfigError: the file cannot be read or parsed (with its line where the parser
        gives one), is not a table, or writes one key twice in two cases (``baseURL`` and
        ``baseurl``: Hugo would take either)
    """
    kind = path.suffix[1:].lower()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the Hugo site configuration: {exc}") from exc
    try:
        if kind == "toml":
            data = tomllib.loads(text)
        elif kind == "json":
            data = json.loads(text) if text.strip() else {}
        else:
            import yaml

            data = yaml.safe_load(text)
            data = {} if data is None else data
    except Exception as exc:  # any parser's error: the site's configuration is unusable
        line = _line_of(exc)
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(f"{where}: cannot read the Hugo site configuration: "
                          f"{_message_of(exc)}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the Hugo site configuration must be a table of keys, "
                          f"not a {type(data).__name__}.")
    return _lowered(data, path, ())


def _line_of(exc: Exception) -> int | None:
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:  # YAML: marks count lines from 0
        return mark.line + 1
    m = re.search(r"\(at line (\d+), column \d+\)", str(exc))  # TOML
    return int(m.group(1)) if m else None


def _message_of(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (column {exc.colno})"
    return " ".join(str(exc).split())


def _lowered(data: dict, path: Path, at: Key) -> dict[str, object]:
    out: dict[str, object] = {}
    spelled: dict[str, str] = {}
    for key, value in data.items():
        text = str(key)
        low = text.lower()
        if low in spelled:
            where = ".".join((*at, low))
            raise ConfigError(f"{path}: the key '{where}' is written twice, as "
                              f"'{spelled[low]}' and '{text}': Hugo does not tell keys apart "
                              "by case, so keep one.")
        spelled[low] = text
        out[low] = _lowered(value, path, (*at, low)) if isinstance(value, dict) else value
    return out


def _apply_environment(config: HugoConfig, environ: Mapping[str, str]) -> None:
    """Hugo's ``HUGO_<KEY>`` overrides: ``HUGO`` then a separator, then the key path with that
    separator between its keys (``HUGO_BASEURL``, ``HUGO_LANGUAGES_RU_CONTENTDIR``). A value
    replaces a text, or sets a key not yet set; kzgraph reads only texts, so it leaves
    overrides of other values (numbers, tables) to Hugo."""
    for name in sorted(environ):
        if not name.startswith("HUGO") or len(name) < 6:
            continue
        sep, rest = name[4], name[5:]
        keys = tuple(k.lower() for k in rest.split(sep))
        if not all(keys) or name in ("HUGO_ENVIRONMENT", "HUGO_ENV"):
            continue
        old = config.get(*keys)
        parent = config.get(*keys[:-1]) if len(keys) > 1 else config.data
        if (old is None or isinstance(old, str)) and (parent is None or isinstance(parent, dict)):
            config.merge({keys[-1]: environ[name]}, f"the environment variable {name}",
                         keys[:-1])
