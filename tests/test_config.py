"""Settings as a new user writes them: the README's block in a kzgraph.toml works, a misspelt
or unknown key or a table in the wrong place is an error that names it, and the placeholder base
is said on every publishing run."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTENT
from kzgraph.cli import cli
from kzgraph.config import DEFAULT_BASE, PLACEHOLDER_WARNING, find_settings
from kzgraph.errors import ConfigError

OURS = "https://guides.example.org/kz/"


def _readme_block() -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n[tool.kzgraph]\n", 1)[1].split("```", 1)[0]
    return "[tool.kzgraph]\n" + block


def test_the_readme_block_in_a_kzgraph_toml_is_read(tmp_path: Path) -> None:
    text = _readme_block().replace(DEFAULT_BASE, OURS)
    (tmp_path / "kzgraph.toml").write_text(text, encoding="utf-8")
    settings = find_settings(tmp_path)
    assert settings.base == OURS
    assert settings.content == tmp_path / "content"


def test_top_level_keys_in_a_kzgraph_toml_are_read(tmp_path: Path) -> None:
    (tmp_path / "kzgraph.toml").write_text(f'base = "{OURS}"\n', encoding="utf-8")
    assert find_settings(tmp_path).base == OURS


@pytest.mark.parametrize("name, text, message", [
    ("kzgraph.toml", f'bse = "{OURS}"\n',
     "kzgraph.toml: unknown setting 'bse' in the top level. Did you mean 'base'?"),
    ("kzgraph.toml", f'[tool.kzgraph]\nbase = "{OURS}"\ncontnet = "c"\n',
     "unknown setting 'contnet' in [tool.kzgraph]. Did you mean 'content'?"),
    ("kzgraph.toml", f'base = "{OURS}"\n[tool.kzgraph]\nlicense = "https://x.org/"\n',
     "settings both at the top level and in [tool.kzgraph] (base)"),
    ("kzgraph.toml", f'[kzgraph]\nbase = "{OURS}"\n',
     "a table [kzgraph] in the top level is not read"),
    ("pyproject.toml", f'[kzgraph]\nbase = "{OURS}"\n',
     "a [kzgraph] table is not read in pyproject.toml: name it [tool.kzgraph]."),
    ("pyproject.toml", f'[tool.kzgraph]\nbase = "{OURS}"\n[tool.kzgraph.site]\nx = "y"\n',
     "a table [site] in [tool.kzgraph] is not read"),
    ("pyproject.toml", '[tool.kzgraph]\nbase = 3\n',
     "the setting 'base' must be a string"),
    ("kzgraph.toml", 'base = "https://no-slash.example"\n',
     "kzgraph.toml: The base IRI 'https://no-slash.example' must be an absolute http(s) IRI"),
])
def test_a_setting_kzgraph_does_not_read_is_an_error_naming_it(tmp_path: Path, name: str,
                                                               text: str, message: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        find_settings(tmp_path)
    assert message in str(err.value)
    assert str(tmp_path / name) in str(err.value)


def test_the_cli_stops_on_a_misspelt_setting(runner, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "kzgraph.toml").write_text(f'bse = "{OURS}"\ncontent = "{CONTENT}"\n',
                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "unknown setting 'bse'" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["build", "-o", "out", "--no-cache"],
                                     ["site", "-o", "site", "--no-search", "--no-cache"],
                                     ["push", "--endpoint", "http://127.0.0.1:9/store",
                                      "--timeout", "2"]])
def test_publishing_on_the_placeholder_base_says_so_in_one_line(runner, tmp_path: Path,
                                                                monkeypatch, command) -> None:
    (tmp_path / "kzgraph.toml").write_text(f'content = "{CONTENT}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, command + ["--quiet"] if command[0] != "push" else command)
    assert result.output.count(PLACEHOLDER_WARNING) == 1, result.output
    assert "\n" not in PLACEHOLDER_WARNING and "kzgraph.toml" in PLACEHOLDER_WARNING
    (tmp_path / "kzgraph.toml").write_text(f'base = "{OURS}"\ncontent = "{CONTENT}"\n',
                                           encoding="utf-8")
    result = runner.invoke(cli, command + ["--quiet"] if command[0] != "push" else command)
    assert "placeholder" not in result.output


def test_the_site_is_published_under_the_base_setting(runner, tmp_path: Path,
                                                      monkeypatch) -> None:
    (tmp_path / "kzgraph.toml").write_text(
        _readme_block().replace(DEFAULT_BASE, OURS).replace('"content"', f'"{CONTENT}"'),
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["site", "-o", "site", "--no-search", "--quiet"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site/sources/sources/feminita/index.html").read_text(encoding="utf-8")
    assert f'"@id": "{OURS}sources/sources/feminita/"' in page
    assert DEFAULT_BASE + "sources" not in page and DEFAULT_BASE + "category" not in page
    nt = (tmp_path / "site/category/ingo/index.nt").read_text(encoding="utf-8")
    assert f"<{OURS}category/ingo>" in nt and DEFAULT_BASE + "category" not in nt
