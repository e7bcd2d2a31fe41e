"""``kzgraph diff``: between two git revisions of the real content (or two builds), a changelog
in words per resource, and a SPARQL Update that -- applied by a real Oxigraph server holding the
old graph -- leaves exactly the new graph."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kzgraph.cli import cli
from conftest import CONTENT, replace_in, write_page

GIT = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The real content at HEAD~1, and an editor's change of it at HEAD."""
    repo = tmp_path_factory.mktemp("guide")
    shutil.copytree(CONTENT, repo / "content")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "the real content")
    content = repo / "content"
    for lang in ("index.md", "index.ru.md"):
        replace_in(content / "sources/feminita" / lang, '["local-ngo"]', '["local-ngo", "local-media"]')
    replace_in(content / "sources/feminita/index.ru.md", 'title: "Feminita"', 'title: "Феминита"')
    replace_in(content / "sources/kazfem/index.md", "description:", "# description:")
    write_page(content, "sources/new-source/index.md",
               '---\ntitle: "A new source"\ncategories: ["ingo"]\ncountries: ["KZ"]\n---\n\nText.\n')
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "an editor's change")
    return repo


def _diff(runner, repo: Path, *args: str):
    return runner.invoke(cli, ["diff", "-c", str(repo / "content"), *args])


def test_changelog_in_words(runner, repo) -> None:
    result = _diff(runner, repo, "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "A new source (source sources/sources/new-source/): added",
        "Feminita (source sources/sources/feminita/): categories local-media added; "
        "Russian title changed from 'Feminita' to 'Феминита'; type schema:NewsMediaOrganization "
        "added",
        "KazFem (source sources/sources/kazfem/): English description "
        f"'{_english_description()}' removed",
    ]


def _english_description() -> str:
    text = (CONTENT / "sources/kazfem/index.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines()
                if line.startswith("description:")).split(": ", 1)[1].strip('"')


def test_changelog_as_markdown_and_json(runner, repo) -> None:
    markdown = _diff(runner, repo, "HEAD~1", "HEAD", "--format", "markdown").stdout
    assert markdown.startswith("### Added (1)\n\n- **A new source** (`sources/sources/new-source/`)")
    assert "### Changed (2)\n" in markdown
    assert "  - Russian title changed from 'Feminita' to 'Феминита'\n" in markdown
    document = json.loads(_diff(runner, repo, "HEAD~1", "HEAD", "--format", "json").stdout)
    feminita = next(r for r in document["resources"] if r["name"] == "Feminita")
    assert {"what": "title", "lang": "ru", "change": "changed", "old": ["'Feminita'"],
            "new": ["'Феминита'"]} in feminita["changes"]
    assert document["added_statements"] > 0 and document["removed_statements"] > 0


def test_no_change(runner, repo) -> None:
    result = _diff(runner, repo, "HEAD", "HEAD")
    assert (result.exit_code, result.stdout) == (0, "No change.\n")
    assert _diff(runner, repo, "HEAD", "HEAD", "-f", "sparql").stdout == \
        "# kzgraph diff HEAD HEAD: -0 +0 statements\n"


def test_a_change_of_writing_only_is_no_change_of_the_data(runner, repo) -> None:
    """The same countries written otherwise: the data is the same; the build (a new commit)
    is not."""
    ru = repo / "content/sources/ak_orda/index.ru.md"
    text = ru.read_text(encoding="utf-8")
    assert 'countries: ["Казахстан"]' in text
    ru.write_text(text.replace('countries: ["Казахстан"]', 'countries: ["KZ"]'), encoding="utf-8")
    _git(repo, "commit", "-qam", "the country by its code")
    try:
        result = _diff(runner, repo, "HEAD~1", "HEAD")
        assert result.stdout == ("No change of the data; only kzgraph's own graphs (the build's "
                                 "provenance) differ.\n")
    finally:
        _git(repo, "reset", "-q", "--hard", "HEAD~1")


def _nquads(runner, repo: Path, revision: str, out: Path) -> Path:
    """The revision's N-Quads, as 'kzgraph export' writes them from a checkout of it."""
    checkout = out.parent / f"checkout-{revision.replace('~', '-')}"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(checkout), revision],
                   cwd=repo, check=True, capture_output=True, timeout=60)
    result = runner.invoke(cli, ["export", "-f", "nquads", "-c", str(checkout / "content"),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_two_builds_give_the_changelog_of_the_two_revisions(runner, repo, tmp_path) -> None:
    old = _nquads(runner, repo, "HEAD~1", tmp_path / "old.nq")
    new = _nquads(runner, repo, "HEAD", tmp_path / "new.nq")
    by_builds = _diff(runner, repo, str(old), str(new))
    assert by_builds.exit_code == 0, by_builds.output
    assert by_builds.stdout == _diff(runner, repo, "HEAD~1", "HEAD").stdout
    by_updates = _diff(runner, repo, str(old), str(new), "-f", "sparql").stdout
    assert by_updates.split("\n", 1)[1] == \
        _diff(runner, repo, "HEAD~1", "HEAD", "-f", "sparql").stdout.split("\n", 1)[1]


def _request(url: str, data: bytes | None = None, media_type: str | None = None,
             accept: str | None = None) -> bytes:
    headers = {k: v for k, v in (("Content-Type", media_type), ("Accept", accept)) if v}
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def _quads(data: bytes) -> set[ox.Quad]:
    """The quads of an N-Quads text as an Oxigraph store keeps them (it writes typed literals
    such as dates in their canonical form)."""
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    return set(store)


def test_sparql_update_turns_the_old_graph_into_the_new_in_oxigraph(runner, repo, tmp_path,
                                                                     oxigraph) -> None:
    old = _nquads(runner, repo, "HEAD~1", tmp_path / "old.nq").read_bytes()
    new = _nquads(runner, repo, "HEAD", tmp_path / "new.nq").read_bytes()
    update = _diff(runner, repo, "HEAD~1", "HEAD", "-f", "sparql")
    assert update.exit_code == 0, update.output
    oxigraph.clear()
    try:
        _request(oxigraph.store_url, old, "application/n-quads")
        assert _quads(_request(oxigraph.store_url, accept="application/n-quads")) == _quads(old)
        _request(oxigraph.update_url, update.stdout.encode("utf-8"), "application/sparql-update")
        after = _quads(_request(oxigraph.store_url, accept="application/n-quads"))
        assert after == _quads(new)
        assert after != _quads(old)
    finally:
        oxigraph.clear()


def test_a_revision_that_does_not_exist(runner, repo) -> None:
    result = _diff(runner, repo, "no-such-tag", "HEAD")
    assert result.exit_code == 2
    assert "Error: git rev-parse" in result.output


def test_changelog_in_russian_and_kazakh_names_resources_in_that_language(runner, repo) -> None:
    """An editor's pull-request comment in their language: the same changes, the resource named
    by its title in that language (Феминита, not Feminita), languages and kinds in words."""
    text = _diff(runner, repo, "HEAD~1", "HEAD", "--lang", "ru").stdout
    assert "Феминита (источник sources/sources/feminita/): categories: добавлено local-media; " \
        "title (русский) изменено: было 'Feminita', стало 'Феминита'; " \
        "type: добавлено schema:NewsMediaOrganization\n" in text, text
    assert "КазФем (источник sources/sources/kazfem/): description (английский): удалено" in text
    assert "A new source (источник sources/sources/new-source/): добавлено" in text
    markdown = _diff(runner, repo, "HEAD~1", "HEAD", "--format", "markdown", "--lang", "kk").stdout
    assert markdown.startswith("### Қосылды (1)\n\n- **A new source**")
    assert "### Өзгертілді (2)\n" in markdown
    # no Kazakh names of languages in iso-codes: the code, not an English name
    assert "  - title (ru) өзгертілді: 'Feminita' болған, енді 'Феминита'\n" in markdown
    # data stays data: JSON is the same whatever the language of the words
    assert _diff(runner, repo, "HEAD~1", "HEAD", "--format", "json", "--lang", "ru").stdout == \
        _diff(runner, repo, "HEAD~1", "HEAD", "--format", "json").stdout
