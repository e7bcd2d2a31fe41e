"""`kzgraph build`: every file, byte-identical across runs, never half-written, never invalid."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path


from kzgraph.cli import cli
from kzgraph.formats.registry import FORMATS
from conftest import CONTENT, ROOT, replace_in

EXPECTED = sorted([f"kzgraph.{f.extension}" for f in FORMATS]
                  + ["context.jsonld", "ontology.ttl", "shapes.ttl", "void.ttl"])


def _build(out: Path, content: Path = CONTENT, seed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-m", "kzgraph", "build", "-c", str(content),
                           "-o", str(out)], capture_output=True, text=True, env=env,
                          timeout=120)


def test_build_writes_every_format_and_the_context(runner, tmp_path):
    out = tmp_path / "public"
    result = runner.invoke(cli, ["build", "-c", str(CONTENT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == EXPECTED
    assert [p.name for p in tmp_path.iterdir()] == ["public"], "no staging folder left"
    # 729: Kazakhstan links to the EU authority, GeoNames and Wikidata (Q232); the schemes
    # are titled in English, Kazakh and Russian
    assert "729 triples about 36 resources" in result.output
    assert f"in {len(EXPECTED)} files" in result.output


def test_two_builds_are_byte_identical(tmp_path):
    """Separate processes with different hash seeds: set and dict order cannot leak out."""
    a, b = tmp_path / "a", tmp_path / "b"
    assert _build(a, seed="1").returncode == 0
    assert _build(b, seed="4242").returncode == 0
    for name in EXPECTED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_refuses_to_publish_violations_and_keeps_previous_output(runner, tmp_path, content):
    out = tmp_path / "public"
    assert runner.invoke(cli, ["build", "-c", str(content), "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    replace_in(content / "sources/feminita/index.md", '"local-ngo"', '"no-such-category"')
    result = runner.invoke(cli, ["build", "-c", str(content), "-o", str(out)])
    assert result.exit_code == 1
    assert "Refusing to publish: 1 error(s)." in result.output
    assert "content/sources/feminita/index.md:" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "public"]


def test_rebuild_replaces_the_folder(runner, tmp_path, content):
    out = tmp_path / "public"
    assert runner.invoke(cli, ["build", "-c", str(content), "-o", str(out)]).exit_code == 0
    (out / "stale.txt").write_text("from an older build")
    replace_in(content / "sources/feminita/index.md", 'title: "Feminita"', 'title: "Feminita!"')
    assert runner.invoke(cli, ["build", "-c", str(content), "-o", str(out)]).exit_code == 0
    assert not (out / "stale.txt").exists()
    assert '"Feminita!"@en' in (out / "kzgraph.nt").read_text(encoding="utf-8")


def test_wheel_carries_ontology_shapes_and_context(tmp_path):
    """Installed from a wheel, kzgraph finds its files without the repository around it."""
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                             str(tmp_path), str(ROOT)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("kzgraph-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        z.extractall(site)
    for needed in ("kzgraph/_data/ontology/kzgraph.ttl", "kzgraph/_data/shapes/kzgraph-shapes.ttl",
                   "kzgraph/_data/contexts/kzgraph.jsonld"):
        assert needed in names
    probe = ("import kzgraph.resources as r; "
             "print(r.ontology_file()); print(r.shapes_file()); print(r.context_file())")
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    for line in run.stdout.splitlines():
        assert line.startswith(str(site / "kzgraph" / "_data")), line
        assert Path(line).is_file()
