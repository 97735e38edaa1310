"""Checks of what a plugin's hooks return: anything else is that plugin's recorded failure."""

from __future__ import annotations

from typing import Any

from .hookspecs import KINDS, ClassSpec


def class_specs(value: Any) -> list[ClassSpec]:
    if not isinstance(value, (list, tuple)):
        raise TypeError("expected a list of nncore.plugin.ClassSpec")
    specs = []
    for item in value:
        if not isinstance(item, (list, tuple)) or not 2 <= len(item) <= 3:
            raise TypeError(f"expected a list of ClassSpec(name, ref, kind), got {item!r:.60}")
        spec = ClassSpec(*item)
        if not isinstance(spec.name, str) or not spec.name.isidentifier():
            raise ValueError(f"expected a class name, got {spec.name!r:.60}")
        if spec.kind not in KINDS:
            raise ValueError(f"expected a kind in {KINDS} for {spec.name}, got {spec.kind!r:.60}")
        specs.append(ClassSpec(spec.name, reference(spec.ref), spec.kind))
    return specs


def reference(value: Any) -> str:
    module, _, attribute = value.partition(":") if isinstance(value, str) else ("", "", "")
    if not module or not attribute or not all(p.isidentifier() for p in module.split(".")):
        raise ValueError("expected a reference 'package.module:name'")
    return value


def one_line(value: Any) -> str:
    if not isinstance(value, str) or "\n" in value:
        raise TypeError("expected one line of text")
    return value


def top_level_packages(dist: Any) -> set[str] | None:
    """The import packages a distribution provides, where its metadata says (else None)."""
    if dist is None:
        return None
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    files = [f for f in (dist.files or []) if f.suffix == ".py" and ".." not in f.parts]
    packages = {f.parts[0].removesuffix(".py") for f in files if not f.parts[0].startswith("__")}
    return packages or None
