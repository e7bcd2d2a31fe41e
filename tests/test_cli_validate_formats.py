"""Reports where editors look: ``validate --format github`` (workflow commands that GitHub shows
as annotations on the file and line), ``--format sarif`` (SARIF 2.1.0, checked against the OASIS
schema vendored in tests/vendor/sarif) and the pre-commit hook, run by ``pre-commit try-repo``
on a scratch content repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from kzgraph.cli import cli
from conftest import CONTENT, ROOT, replace_in

SCHEMA = Path(__file__).parent / "vendor" / "sarif" / "sarif-schema-2.1.0.json"
FEMINITA_RU = "sources/feminita/index.ru.md"


def _broken(content: Path) -> None:
    replace_in(content / FEMINITA_RU, "created: 2023-11-21", "created: 2023-02-30")
    replace_in(content / "sources/feminita/index.md", "description:", "descripton:")


def test_github_annotations_name_file_and_line(runner, content) -> None:
    _broken(content)
    result = runner.invoke(cli, ["validate", "--format", "github", "-c", str(content)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert all(line.startswith(("::error ", "::warning ")) for line in lines), lines
    created = [line for line in lines if "title=kzgraph%3A created " in line]
    assert (
        "::error file=content/sources/feminita/index.ru.md,line=8,"
        "title=kzgraph%3A created [ru]::'created' must be one real date written as YYYY-MM-DD "
        "(for example 2023-11-21), the same in every language version. (found: '2023-02-30')") in created
    [unknown] = [line for line in lines if "descripton" in line]
    assert unknown.startswith("::error file=content/sources/feminita/index.md,line=3,")


def test_github_annotations_escape_what_would_end_them() -> None:
    from kzgraph.check.report import as_github
    from kzgraph.errors import Problem

    out = as_github([Problem("a,b:c.md", 2, "k", "50% done\nnext line", lang="en")])
    assert out == "::error file=a%2Cb%3Ac.md,line=2,title=kzgraph%3A k [en]::50%25 done%0Anext line\n"


def test_sarif_is_valid_sarif_2_1_0(runner, content) -> None:
    _broken(content)
    result = runner.invoke(cli, ["validate", "--format", "sarif", "-c", str(content)])
    assert result.exit_code == 1, result.output
    log = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    [run] = log["runs"]
    assert run["tool"]["driver"]["name"] == "kzgraph"
    created = [r for r in run["results"] if r.get("properties", {}).get("key") == "created"
               and "2023-02-30" in r["message"]["text"]]
    assert len(created) == 1
    [location] = created[0]["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == \
        "content/sources/feminita/index.ru.md"
    assert location["physicalLocation"]["region"]["startLine"] == 8
    assert created[0]["level"] == "error"
    assert created[0]["ruleId"] in {r["id"] for r in run["tool"]["driver"]["rules"]}


def test_sarif_of_conforming_content_has_no_results(runner) -> None:
    result = runner.invoke(cli, ["validate", "--format", "sarif", "-c", str(CONTENT)])
    assert result.exit_code == 0, result.output
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")),
                        cls=jsonschema.Draft4Validator)
    assert log["runs"][0]["results"] == []


def test_sarif_schema_rejects_a_broken_log() -> None:
    """The vendored schema is the real one: it refuses what SARIF forbids."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"tool": {}}]}, schema,
                            cls=jsonschema.Draft4Validator)


# -- pre-commit ----------------------------------------------------------------------------------

def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A content repository of its own: the real content, a kzgraph.toml, one commit."""
    repo = tmp_path / "guide"
    shutil.copytree(CONTENT, repo / "content")
    (repo / "kzgraph.toml").write_text('base = "https://kzgraph.example/"\n', encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "commit", "-qm",
         "content")
    return repo


def _try_repo(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """``pre-commit try-repo`` with this checkout's hooks (uncommitted changes included), the
    hook that runs the kzgraph on the PATH (this environment's): offline, nothing installed."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                           "kzgraph-validate-installed", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)


def test_pre_commit_hook_passes_conforming_content(scratch_repo, tmp_path) -> None:
    result = _try_repo(scratch_repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kzgraph validate (kzgraph on the PATH)" in result.stdout
    assert "Passed" in result.stdout


def test_pre_commit_hook_stops_a_commit_of_broken_content(scratch_repo, tmp_path) -> None:
    replace_in(scratch_repo / "content" / FEMINITA_RU, "created: 2023-11-21",
               "created: 2023-02-30")
    result = _try_repo(scratch_repo, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "content/sources/feminita/index.ru.md:8 key 'created' [ru]: error:" in result.stdout
