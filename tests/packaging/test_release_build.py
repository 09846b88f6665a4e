"""The release build ships the rules: the sdist carries ``rules/`` and the wheel built from that
sdist (what ``python -m build`` does) carries them as ``prevention_engine/rules``.

Without them ``Engine.default()`` fails after ``pip install`` of a wheel. The build needs the
``build`` package (in the ``dev`` extra) and setuptools from the package index.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _rule_files() -> set[str]:
    return {
        p.relative_to(ROOT / "rules").as_posix()
        for p in (ROOT / "rules").rglob("*")
        if p.is_file() and p.suffix in {".yaml", ".md"}
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("build") is None:
        pytest.skip("the 'build' package is not installed (pip install -e '.[dev]')")
    # Build from a clean copy: a stale *.egg-info of a development install lists files the
    # sdist would otherwise miss, and would hide a missing MANIFEST.in entry.
    src = tmp_path_factory.mktemp("src") / "project"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".*_cache", ".hypothesis",
    ))
    shutil.rmtree(src / "prevention_engine" / "rules", ignore_errors=True)
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run(
        [sys.executable, "-m", "build", "-o", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    if run.returncode != 0:
        pytest.fail(f"python -m build failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    return out


def test_sdist_carries_every_rule_file(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    shipped = {n.removeprefix("rules/") for n in names if n.startswith("rules/")}
    assert _rule_files() <= shipped


def test_wheel_from_sdist_carries_every_rule_file(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    prefix = "prevention_engine/rules/"
    shipped = {n.removeprefix(prefix) for n in names if n.startswith(prefix)}
    assert _rule_files() <= shipped
