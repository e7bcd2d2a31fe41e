"""A Hugo site's theme components (``theme = "x"``, ``[[module.imports]]``, a component's own
theme, a vendored module) are read as the real ``hugo`` 0.111 reads them: it takes their
``params`` under the site's and none of the keys kzgraph reads (``baseURL``, ``taxonomies``,
``permalinks``, ``uglyURLs``, languages' ``contentDir``, pagination, path settings), even where
the site sets none; kzgraph leaves those out too, with a warning naming the file and the key,
and says which module it cannot read (no network at run time)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner

from kzgraph.cli import cli
from kzgraph.config import Settings, with_hugo_site
from kzgraph.hugoconfig import hugo_config
from test_hugo_config import _go_value, _hugo, _write
from test_hugo_site import _hugo_pages, _kzgraph_pages
from test_site_paths import _hugo_build

SITE = Path(__file__).parent / "hugo_site"
#: a theme that sets every key kzgraph reads, each to what would change the site if applied
THEME = ('baseURL = "https://theme.example/"\ndefaultContentLanguage = "ru"\n'
         'uglyURLs = true\npaginate = 3\ndisablePathToLower = true\n'
         'removePathAccents = true\n[pagination]\npagerSize = 3\n'
         '[taxonomies]\nregion = "regions"\n[permalinks]\nguides = "/g/:slug/"\n'
         '[languages.en]\ncontentDir = "content/ru"\n[params]\nfrom = "theme"\n')
#: the keys the theme sets that Hugo leaves, as the warnings name them
LEFT = ["baseurl", "defaultcontentlanguage", "languages.en.contentdir", "taxonomies",
        "permalinks", "uglyurls", "disablepathtolower", "removepathaccents",
        "pagination.pagersize", "paginate"]


def _settings(site: Path) -> Settings:
    return with_hugo_site(Settings(content=site / "content"), {})


def _hugo_params(site: Path) -> object:
    """The ``params`` ``hugo config`` prints for the site."""
    run = subprocess.run([_hugo(), "config", "--source", str(site)], capture_output=True,
                         text=True, timeout=60, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    line = next(line for line in run.stdout.splitlines() if line.startswith("params = "))
    return _go_value(line[len("params = "):])[0]


def test_a_themes_keys_that_hugo_leaves_are_left_with_a_warning_naming_file_and_key(tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(SITE, plain)
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    config = site / "hugo.toml"
    config.write_text('theme = "x"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    _write(site, {"themes/x/hugo.toml": THEME})
    # Hugo writes the same pages at the same paths, with or without the theme
    theirs = _hugo_build(site, tmp_path / "public")
    assert theirs == _hugo_build(plain, tmp_path / "public-plain")
    assert "guides/kz" in theirs and "sources/feminita" in theirs
    assert theirs["sources/feminita"].startswith("page en:")
    assert _kzgraph_pages(site) == _hugo_pages(site, tmp_path / "public2", drafts=False)
    ours, without = _settings(site), _settings(plain)
    assert dataclasses.replace(ours, content=without.content) == without
    theme_file = site / "themes/x/hugo.toml"
    assert sorted(ours.hugo_warnings) == sorted(
        f"{theme_file}: the theme's configuration sets '{key}', which Hugo 0.111 takes only "
        "from the site's own configuration: kzgraph leaves it out too (set it in the site's "
        "configuration to use it)." for key in LEFT)
    assert not without.hugo_warnings
    assert hugo_config(site, {}).get("params") == _hugo_params(site) == {"from": "theme"}


def test_params_of_imports_themes_of_themes_and_vendored_modules_merge_as_hugo_merges_them(
        tmp_path):
    _write(tmp_path, {
        "hugo.toml": 'baseURL = "https://site.example/"\n[[module.imports]]\npath = "y"\n'
                     '[[module.imports]]\npath = "github.com/owner/bar"\n'
                     '[params]\na = "site"\n[params.nested]\nx = "site"\n',
        "themes/y/hugo.toml": 'theme = "z"\n[params]\na = "y"\nb = "y"\n'
                              '[params.nested]\nx = "y"\ny = "y"\n',
        "themes/z/config/_default/params.toml": 'c = "z"\nb = "z"\n',
        "_vendor/github.com/owner/bar/hugo.toml": '[params]\nd = "vendored"\n',
        "_vendor/modules.txt": "# github.com/owner/bar v1.0.0\n"})
    config = hugo_config(tmp_path, {})
    assert config is not None and not config.warnings
    expected = {"a": "site", "b": "y", "c": "z", "d": "vendored",
                "nested": {"x": "site", "y": "y"}}
    assert config.get("params") == _hugo_params(tmp_path) == expected
    assert config.origin("params", "c") == str(tmp_path / "themes/z/config/_default/params.toml")
    assert [p.relative_to(tmp_path).as_posix() for p in config.files] == [
        "hugo.toml", "themes/y/hugo.toml", "themes/z/config/_default/params.toml",
        "_vendor/github.com/owner/bar/hugo.toml"]


def test_a_module_kzgraph_cannot_read_is_a_warning_naming_the_file_and_key(tmp_path,
                                                                          monkeypatch):
    (tmp_path / "content").mkdir()
    _write(tmp_path, {
        "hugo.toml": 'baseURL = "https://site.example/"\ntheme = ["gone"]\n'
                     '[[module.imports]]\npath = "github.com/owner/remote"\n'
                     '[[module.imports]]\npath = "off"\ndisable = true\n'
                     '[[module.imports]]\nversion = "v1"\n'})
    config = tmp_path / "hugo.toml"
    warnings = _settings(tmp_path).hugo_warnings
    assert warnings == (
        f"{config}: 'module.imports' entry 3 has no 'path' text: kzgraph cannot tell which "
        "module it imports.",
        f"{config}: 'module.imports' names 'github.com/owner/remote', a module kzgraph cannot "
        "fetch (it reads no network): its configuration is not read; 'hugo mod vendor' puts "
        "it in _vendor/, where kzgraph reads it.",
        f"{config}: 'theme' names 'gone', but there is no folder {tmp_path / 'themes/gone'}: "
        "its configuration is not read (Hugo will not build the site without it).")
    # Hugo refuses the site: it has neither the remote module nor the theme
    run = subprocess.run([_hugo(), "config", "--source", str(tmp_path)], capture_output=True,
                         text=True, timeout=60, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert run.returncode != 0 and "not found" in run.stdout + run.stderr
    # the commands say it on standard error, and go on
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "-c", str(tmp_path / "content")])
    for warning in warnings:
        assert f"warning: {warning}" in result.output
