"""The README's examples are what kzgraph prints: its first screen's build figures and its
session (an export excerpt and a validation of a broken page), run on the seed content."""

from __future__ import annotations

import re

from click.testing import CliRunner

from conftest import CONTENT, ROOT
from kzgraph.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _session() -> list[tuple[str, list[str]]]:
    """The commands of the README's session and the lines shown after each."""
    block = README[README.index("## A session\n"):]
    block = block[block.index("```console\n") + len("```console\n"):]
    block = block[:block.index("\n```")]
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif line:
            out[-1][1].append(line)
    return out


def test_the_first_screen_gives_the_seeds_figures(tmp_path) -> None:
    said = re.search(r"prints `Built public/ : ([\d,]+) triples about (\d+) resources", README)
    assert said, "the README no longer says what the first command prints"
    result = CliRunner().invoke(cli, ["build", "--content", str(CONTENT), "--output",
                                      str(tmp_path / "public"), "--no-cache"])
    assert result.exit_code == 0, result.output
    printed = re.search(r"Built .*: ([\d,]+) triples about (\d+) resources", result.output)
    assert printed and printed.groups() == said.groups(), result.output


def test_the_session_shows_what_kzgraph_prints(tmp_path, monkeypatch) -> None:
    session = dict(_session())
    export = "kzgraph export --format turtle | grep -A8 'feminita/> a'"
    validate = "kzgraph validate --content broken/"
    assert set(session) >= {export, validate, "echo $?"}, list(session)

    turtle = CliRunner().invoke(cli, ["export", "--format", "turtle", "--content",
                                      str(CONTENT)])
    assert turtle.exit_code == 0, turtle.output
    lines = turtle.stdout.replace("\t", "    ").splitlines()
    at = next(i for i, line in enumerate(lines) if "feminita/> a" in line)
    assert lines[at:at + 9] == session[export]

    # the broken page the session validates: a Russian source whose country and category
    # kzgraph cannot place
    page = tmp_path / "broken" / "sources" / "x" / "index.ru.md"
    page.parent.mkdir(parents=True)
    page.write_text('---\ntitle: "X"\ncountries: ["Нарния"]\ncategories: ["a"]\n---\n',
                    encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    checked = CliRunner().invoke(cli, ["validate", "--content", "broken/"])
    assert checked.output.splitlines() == session[validate]
    assert [str(checked.exit_code)] == session["echo $?"]
