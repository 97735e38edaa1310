"""Shared fixtures: throw-away plugin distributions installed on sys.path for one test."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

import nncore


class DistributionMaker:
    """Writes real distributions (package + ``*.dist-info`` with entry points) into a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(
        self, name: str, files: dict[str, str], entry_point: str | None = None, version: str = "1.0"
    ) -> Path:
        for relative, source in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source))
        info = self.root / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        if entry_point is not None:
            (info / "entry_points.txt").write_text(f"[nncore]\n{name} = {entry_point}\n")
        packages = sorted({Path(relative).parts[0].removesuffix(".py") for relative in files})
        (info / "top_level.txt").write_text("".join(f"{p}\n" for p in packages))
        return info


@pytest.fixture
def make_distribution(tmp_path, monkeypatch):
    """Install fake plugin distributions for one test; the registry is rebuilt afterwards."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    before = set(sys.modules)
    yield DistributionMaker(root)
    for name in set(sys.modules) - before:
        module = sys.modules[name]
        if str(getattr(module, "__file__", "") or "").startswith(str(root)):
            del sys.modules[name]
    monkeypatch.undo()  # sys.path and environment first, so the rebuilt registry is the real one
    nncore.reload()


@pytest.fixture
def fresh_registry():
    """Rebuild the process-wide registry after a test that changes it."""
    yield
    nncore.reload()
