"""A Hugo site's configuration (a root file, the configuration folder ``config/_default/`` and
``config/<environment>/``, localised files, TOML, YAML and JSON, ``HUGO_*`` variables) is read
by kzgraph as the real ``hugo`` merges it: for each layout, ``hugo config`` says what Hugo makes
of it, and kzgraph's base IRI, default language and language folders must agree."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kzgraph.cli import cli
from kzgraph.config import DEFAULT_BASE, Settings, with_hugo_site
from kzgraph.errors import ConfigError
from kzgraph.hugoconfig import hugo_config

ROOT_LANGS = '[languages.en]\ncontentDir = "content/en"\nweight = 1\n'
TWO_LANGS = '[en]\ncontentDir = "content/en"\nweight = 1\n[ru]\ncontentDir = "content/ru"\n' \
            'weight = 2\n'

#: layouts: (files, environment variables, expected (baseURL, defaultContentLanguage,
#: {language: contentDir}))
LAYOUTS = {
    "root-file-only": (
        {"hugo.toml": 'baseURL = "https://root.example/"\ndefaultContentLanguage = "ru"\n'
                      + ROOT_LANGS + '[languages.ru]\nweight = 2\n'},
        {}, ("https://root.example/", "ru", {"en": "content/en"})),
    "directory-only": (
        {"config/_default/hugo.toml": 'baseURL = "https://dir.example/docs/"\n'
                                      'defaultContentLanguage = "ru"\n',
         "config/_default/languages.toml": TWO_LANGS,
         "config/_default/params.toml": 'description = "a site"\n'},
        {}, ("https://dir.example/docs/", "ru", {"en": "content/en", "ru": "content/ru"})),
    "directory-over-root-file": (
        {"hugo.toml": 'baseURL = "https://root.example/"\ndefaultContentLanguage = "ru"\n'
                      + ROOT_LANGS,
         "config/_default/config.toml": 'baseurl = "https://dir.example/"\n',
         "config/_default/languages.toml": '[ru]\ncontentDir = "content/ru"\n'},
        {}, ("https://dir.example/", "ru", {"en": "content/en", "ru": "content/ru"})),
    "production-over-default": (
        {"config/_default/hugo.toml": 'baseURL = "https://default.example/"\n',
         "config/_default/languages.toml": TWO_LANGS,
         "config/production/hugo.toml": 'baseURL = "https://production.example/"\n',
         "config/production/languages.toml": '[ru]\ncontentDir = "content/russian"\n',
         "config/staging/hugo.toml": 'baseURL = "https://staging.example/"\n'},
        {}, ("https://production.example/", None,
             {"en": "content/en", "ru": "content/russian"})),
    "HUGO_ENVIRONMENT-chooses-the-folder": (
        {"config/_default/hugo.toml": 'baseURL = "https://default.example/"\n',
         "config/production/hugo.toml": 'baseURL = "https://production.example/"\n',
         "config/staging/hugo.toml": 'baseURL = "https://staging.example/"\n'
                                     'defaultContentLanguage = "kk"\n'},
        {"HUGO_ENVIRONMENT": "staging"}, ("https://staging.example/", "kk", {})),
    "HUGO_ENV-too": (
        {"config/_default/hugo.toml": 'baseURL = "https://default.example/"\n',
         "config/staging/hugo.toml": 'baseURL = "https://staging.example/"\n'},
        {"HUGO_ENV": "staging"}, ("https://staging.example/", None, {})),
    "an-environment-without-a-folder": (
        {"config/_default/hugo.toml": 'baseURL = "https://default.example/"\n'},
        {"HUGO_ENVIRONMENT": "preview"}, ("https://default.example/", None, {})),
    # (Hugo looks the variable up, but only when its --configDir flag is empty, never)
    "HUGO_CONFIGDIR-is-not-read": (
        {"hugo.toml": 'baseURL = "https://root.example/"\n',
         "config/_default/hugo.toml": 'baseURL = "https://config.example/"\n',
         "site-config/_default/hugo.toml": 'baseURL = "https://site-config.example/"\n'},
        {"HUGO_CONFIGDIR": "site-config"}, ("https://config.example/", None, {})),
    "an-empty-HUGO_ENVIRONMENT": (
        {"config/production/hugo.toml": 'baseURL = "https://production.example/"\n',
         "config/staging/hugo.toml": 'baseURL = "https://staging.example/"\n'},
        {"HUGO_ENVIRONMENT": ""}, ("https://production.example/", None, {})),
    "localised-files": (
        {"config/_default/languages.toml": '[en]\nweight = 1\n[ru]\nweight = 2\n',
         "config/_default/config.ru.toml": 'contentDir = "content/ru"\n',
         "config/_default/languages.en.toml": 'contentDir = "content/en"\n',
         "config/_default/params.ru.toml": 'contentDir = "not/this"\n',
         "config/_default/menus.en.toml": '[[main]]\nname = "Home"\nurl = "/"\n'},
        {}, (None, None, {"en": "content/en", "ru": "content/ru"})),
    "yaml-and-json": (
        {"config.json": '{"baseURL": "https://json.example/", "defaultContentLanguage": "ru"}',
         "config/_default/hugo.yaml": "title: YAML\ndefaultContentLanguage: kk\n",
         "config/_default/languages.yml": "kk:\n  contentDir: content/kk\n"
                                          "ru:\n  contentDir: content/ru\n",
         "config/production/languages.json": '{"ru": {"contentDir": "content/russian"}}'},
        {}, ("https://json.example/", "kk", {"kk": "content/kk", "ru": "content/russian"})),
    "files-in-name-order-hugo-after-config": (
        {"config/_default/config.toml": 'baseURL = "https://config.example/"\n'
                                        '[languages.en]\ncontentDir = "content/one"\n',
         "config/_default/hugo.toml": 'baseURL = "https://hugo.example/"\n',
         "config/_default/languages.toml": '[en]\ncontentDir = "content/two"\n',
         "config/_default/zz/config.toml": 'defaultContentLanguage = "ru"\n'
                                           '[languages.ru]\nweight = 2\n'},
        {}, ("https://hugo.example/", "ru", {"en": "content/two"})),
    # the folder's files merge with one another first, then on top of the root file: the
    # root file's English survives the folder's text 'languages' its languages.toml replaced
    "the-folder-merged-on-its-own-first": (
        {"hugo.toml": ROOT_LANGS,
         "config/_default/config.toml": 'languages = "none"\n',
         "config/_default/languages.toml": '[ru]\ncontentDir = "content/ru"\n'},
        {}, (None, None, {"en": "content/en", "ru": "content/ru"})),
    "only-the-first-root-file": (
        {"hugo.yaml": "baseURL: https://hugo-yaml.example/\n",
         "config.toml": 'baseURL = "https://config.example/"\ndefaultContentLanguage = "ru"\n'},
        {}, ("https://hugo-yaml.example/", None, {})),
    "HUGO_-variables-override": (
        {"hugo.toml": 'baseURL = "https://root.example/"\n' + ROOT_LANGS,
         "config/production/hugo.toml": 'baseURL = "https://production.example/"\n'},
        {"HUGO_BASEURL": "https://variable.example/",
         "HUGOxDEFAULTCONTENTLANGUAGE": "ru",
         "HUGO_LANGUAGES_RU_CONTENTDIR": "content/ru"},
        ("https://variable.example/", "ru", {"en": "content/en", "ru": "content/ru"})),
}


def _write(site: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    (site / "content").mkdir(exist_ok=True)


def _environ(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without its own ``HUGO*`` variables, and ``extra``."""
    return {k: v for k, v in os.environ.items() if not k.startswith("HUGO")} | extra


def _hugo() -> str:
    hugo = shutil.which("hugo")
    if hugo is None:
        if os.environ.get("CI"):
            pytest.fail("hugo is not installed (.ci/run installs it)")
        pytest.skip("hugo is not installed")
    return hugo


def _go_value(text: str, at: int = 0) -> tuple[object, int]:
    """A value as Hugo 0.111's ``hugo config`` prints it (Go's ``%+v``): ``"text"``,
    ``map[key:value key:map[...]]``, ``[value value]`` or a bare word; and where it ends."""
    if text.startswith('"', at):
        end = text.index('"', at + 1)
        return text[at + 1:end], end + 1
    if text.startswith("[", at):  # a list
        items: list[object] = []
        at += 1
        while text[at] != "]":
            item, at = _go_value(text, at)
            items.append(item)
            at += text[at] == " "
        return items, at + 1
    if text.startswith("map[", at):
        at += 4
        table: dict[str, object] = {}
        while text[at] != "]":
            colon = text.index(":", at)
            key = text[at:colon]
            table[key], at = _go_value(text, colon + 1)
            at += text[at] == " "
        return table, at + 1
    end = at
    while end < len(text) and text[end] not in " ]":
        end += 1
    return text[at:end], end


def _hugo_says(site: Path, environ: dict[str, str]) -> tuple[object, object, dict]:
    """baseURL, defaultContentLanguage and each language's contentDir, as ``hugo config``
    prints them."""
    run = subprocess.run([_hugo(), "config", "--source", str(site)], capture_output=True,
                         text=True, timeout=60, env=environ)
    assert run.returncode == 0, run.stdout + run.stderr
    said: dict[str, object] = {}
    for line in run.stdout.splitlines():
        key, sep, value = line.partition(" = ") if " = " in line else line.partition(": ")
        if sep and key in ("baseurl", "defaultcontentlanguage", "languages"):
            said[key], _ = _go_value(value)
    languages = said.get("languages") or {}
    assert isinstance(languages, dict)
    dirs = {code: table["contentdir"] for code, table in languages.items()
            if isinstance(table, dict) and "contentdir" in table}
    return said.get("baseurl"), said.get("defaultcontentlanguage"), dirs


@pytest.mark.parametrize("name", LAYOUTS)
def test_kzgraph_merges_the_configuration_as_hugo_does(tmp_path, name):
    files, variables, (base_url, language, dirs) = LAYOUTS[name]
    site = tmp_path / "site"
    _write(site, files)
    environ = _environ(variables)
    config = hugo_config(site, environ)
    assert config is not None
    ours = (config.get("baseURL"), config.get("defaultContentLanguage"),
            {code: table["contentdir"] for code, table in (config.get("languages") or {}).items()
             if "contentdir" in table})
    assert ours == (base_url, language, dirs)
    # Hugo's own reading (it prints its defaults for what the site leaves unset)
    theirs = _hugo_says(site, environ)
    assert theirs == (base_url, language or "en", dirs)
    # and the settings kzgraph runs with
    settings = with_hugo_site(Settings(content=site / "content"), environ)
    assert settings.base == (base_url or DEFAULT_BASE)
    assert settings.default_language == (language or "en")
    assert (settings.language_dirs or {}) == {Path(d).name: code for code, d in dirs.items()}


def test_the_files_read_are_listed_in_the_order_merged(tmp_path):
    files, variables, _ = LAYOUTS["production-over-default"]
    _write(tmp_path, files)
    config = hugo_config(tmp_path, _environ(variables))
    assert [p.relative_to(tmp_path).as_posix() for p in config.files] == [
        "config/_default/hugo.toml", "config/_default/languages.toml",
        "config/production/hugo.toml", "config/production/languages.toml"]
    assert config.environment == "production"
    assert config.origin("languages", "ru", "contentDir") == str(
        tmp_path / "config/production/languages.toml")
    assert config.origin("languages", "en", "contentDir") == str(
        tmp_path / "config/_default/languages.toml")


def test_a_site_without_configuration_has_none(tmp_path):
    (tmp_path / "config" / "_default").mkdir(parents=True)
    (tmp_path / "config" / "_default" / "notes.txt").write_text("not configuration")
    assert hugo_config(tmp_path, {"HUGO_BASEURL": "https://variable.example/"}) is None


# -- errors, in the editor's terms ---------------------------------------------------------------

BROKEN = {
    "config/_default/languages.toml": ('[en]\ncontentDir = "content/en"\n[ru\n', ":3: "),
    "config/production/hugo.yaml": ("baseURL: https://x.example/\n  title: [\n", ":2: "),
    "config/_default/params.json": ('{\n  "a": 1,\n}\n', ":3: "),
    "hugo.toml": ('baseURL = "https://x.example/\n', ":1: "),
}


@pytest.mark.parametrize("rel", BROKEN)
def test_a_file_that_cannot_be_parsed_is_named_with_its_line(tmp_path, rel):
    text, line = BROKEN[rel]
    _write(tmp_path, {rel: text})
    with pytest.raises(ConfigError) as caught:
        with_hugo_site(Settings(content=tmp_path / "content"), {})
    message = str(caught.value)
    assert message.startswith(str(tmp_path / rel) + line), message
    assert "cannot read the Hugo site configuration" in message


WRONG = {
    "a number for baseURL": ({"config/_default/hugo.toml": 'baseURL = "https://a.example/"\n',
                              "config/production/config.toml": "baseurl = 5\n"},
                             "config/production/config.toml", "'baseURL' must be a text"),
    "a table for defaultContentLanguage": (
        {"hugo.yaml": "defaultContentLanguage:\n  code: ru\n"}, "hugo.yaml",
        "'defaultContentLanguage' must be a text"),
    "a number for a contentDir": ({"config/_default/languages.ru.toml": "contentDir = 3\n",
                                   "config/_default/languages.toml": "[en]\nweight = 1\n"},
                                  "config/_default/languages.ru.toml",
                                  "'languages.ru.contentDir' must be a text"),
    "a language that is no table": ({"config/_default/languages.json":
                                     '{"en": {}, "ru": "Russian"}'},
                                    "config/_default/languages.json",
                                    "'languages.ru' must be a table"),
    "a list of languages": ({"hugo.toml": 'languages = ["en", "ru"]\n'}, "hugo.toml",
                            "'languages' must be a table"),
    "a default language that is not a language": (
        {"hugo.toml": 'defaultContentLanguage = "kk"\n',
         "config/_default/languages.yaml": "ru:\n  weight: 1\nen:\n  weight: 2\n"},
        "hugo.toml", "the default language 'kk' (defaultContentLanguage) is not one of the "
                     "site's languages (en, ru), so Hugo will not build the site"),
    "no default language and no English": (
        {"config/_default/languages.yaml": "ru:\n  weight: 1\n"},
        "config/_default/languages.yaml", "the default language 'en'"),
    "one key written in two cases": ({"hugo.toml": 'baseURL = "https://a.example/"\n'
                                                   'baseurl = "https://b.example/"\n'},
                                     "hugo.toml", "'baseurl' is written twice"),
    "a language folder outside the content folder": (
        {"config/_default/languages.toml": '[en]\n[ru]\ncontentDir = "elsewhere/ru"\n'},
        "config/_default/languages.toml", "must be a folder of"),
}


@pytest.mark.parametrize("case", WRONG)
def test_a_value_of_the_wrong_kind_names_the_file_and_key(tmp_path, case):
    files, rel, words = WRONG[case]
    _write(tmp_path, files)
    with pytest.raises(ConfigError) as caught:
        with_hugo_site(Settings(content=tmp_path / "content"), {})
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / rel}: "), message
    assert words in message


def test_hugo_refuses_a_default_language_that_is_not_a_language(tmp_path):
    files, _, _ = WRONG["a default language that is not a language"]
    _write(tmp_path, files)
    run = subprocess.run([_hugo(), "config", "--source", str(tmp_path)], capture_output=True,
                         text=True, timeout=60, env=_environ({}))
    assert run.returncode != 0
    assert '"kk" for defaultContentLanguage does not match any language' in run.stderr


def test_a_wrong_value_from_a_variable_names_the_variable(tmp_path):
    _write(tmp_path, {"hugo.toml": 'defaultContentLanguage = "ru"\n'})
    with pytest.raises(ConfigError, match="^the environment variable "
                                          "HUGO_DEFAULTCONTENTLANGUAGE: .* is empty"):
        with_hugo_site(Settings(content=tmp_path / "content"),
                       {"HUGO_DEFAULTCONTENTLANGUAGE": " "})


# -- end to end: a site configured in config/_default builds to its base and languages ----------

SITE = Path(__file__).parent / "hugo_site"


def test_a_site_configured_in_its_configuration_folder_builds(tmp_path, monkeypatch):
    from test_hugo_site import _hugo_pages, _kzgraph_pages

    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "hugo.toml").unlink()
    _write(site, {
        "config/_default/hugo.toml": 'baseURL = "https://default.example/"\n'
                                     'title = "kzgraph test site"\n'
                                     'defaultContentLanguage = "en"\n'
                                     'disableKinds = ["taxonomy", "term", "RSS", "sitemap", '
                                     '"robotsTXT", "404"]\n[taxonomies]\n',
        "config/_default/languages.toml": TWO_LANGS.replace("weight = 1", 'languageName = '
                                                            '"English"\nweight = 1'),
        "config/production/hugo.toml": 'baseURL = "https://production.example/guide/"\n'})
    monkeypatch.chdir(tmp_path)  # no kzgraph.toml of this repository
    for name in [k for k in os.environ if k.startswith("HUGO")]:
        monkeypatch.delenv(name)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--no-cache", "-c", str(site / "content"),
                                      "-o", str(out), "--formats", "nt"])
    assert result.exit_code == 0, result.output
    triples = (out / "kzgraph.nt").read_text(encoding="utf-8")
    assert "<https://production.example/guide/sources/sources/feminita/>" in triples
    assert "default.example" not in triples and f"<{DEFAULT_BASE}sources/" not in triples
    assert '"Местные НПО"@ru' in triples  # the Russian folder, read from languages.toml
    # the same pages as Hugo publishes from the same configuration
    assert _kzgraph_pages(site) == _hugo_pages(site, tmp_path / "public", drafts=False)


def test_the_environment_option_reads_that_environments_folder(tmp_path, monkeypatch):
    """``kzgraph build --environment staging`` reads config/staging/ over config/_default/,
    as ``hugo --environment staging`` does; without it, HUGO_ENVIRONMENT or production."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "hugo.toml").unlink()
    _write(site, {
        "config/_default/hugo.toml": 'baseURL = "https://default.example/"\n'
                                     'defaultContentLanguage = "en"\n',
        "config/_default/languages.toml": TWO_LANGS,
        "config/production/hugo.toml": 'baseURL = "https://production.example/"\n',
        "config/staging/hugo.toml": 'baseURL = "https://staging.example/"\n'})
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("HUGO")]:
        monkeypatch.delenv(name)

    def base_of(*options: str) -> str:
        out = tmp_path / f"out{len(options)}"
        result = CliRunner().invoke(cli, ["build", "--no-cache", "-c", str(site / "content"),
                                          "-o", str(out), "--formats", "nt", *options])
        assert result.exit_code == 0, result.output
        triples = (out / "kzgraph.nt").read_text(encoding="utf-8")
        found = {host for host in ("default", "production", "staging")
                 if f"<https://{host}.example/sources/" in triples}
        assert len(found) == 1, found
        return found.pop()

    assert base_of() == "production"
    assert base_of("--environment", "staging") == "staging"
    monkeypatch.setenv("HUGO_ENVIRONMENT", "staging")
    assert base_of("--environment", "production", "-q") == "production"
