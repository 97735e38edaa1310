"""Every fenced Python block of README.md and docs/*.md runs, and shows what it prints.

A block of ``>>>`` examples is a doctest; any other block is a script, and must print nothing
(what a block prints is shown as a ``>>>`` example).  The blocks of a page run in order, in one
namespace that starts empty, in a temporary directory: what a block uses, the page defines.
docs/index.md also shows the demo's training loop as it is in nncore/cli/demo.py, and the output
of ``nncore plugins`` for nncore's own plugins.
"""

from __future__ import annotations

import contextlib
import doctest
import inspect
import io
import re
from pathlib import Path

import pytest

import nncore

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)


def blocks(page: Path, language: str = "python") -> list[tuple[int, str]]:
    """``(line, source)`` of every block fenced with ``language``, in order."""
    text = page.read_text()
    return [
        (text.count("\n", 0, match.start(2)) + 1, match.group(2))
        for match in FENCE.finditer(text)
        if match.group(1) == language
    ]


@pytest.fixture
def fresh_state():
    """Pages seed the generator and may pin providers: leave the process as it was."""
    state = nncore.random.generator().bit_generator.state
    yield
    nncore.random.generator().bit_generator.state = state
    nncore.reload()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_python_block_runs_and_shows_what_it_prints(page, tmp_path, monkeypatch, fresh_state):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for line, source in blocks(page):
        where = f"{page.relative_to(ROOT)}:{line}"
        if re.search(r"^\s*>>>", source, re.M):
            assert source.lstrip().startswith(">>>"), f"{where}: code before the first >>>"
            test = doctest.DocTestParser().get_doctest(
                source, namespace, where, str(page), line - 1
            )
            report = io.StringIO()
            result = runner.run(test, out=report.write, clear_globs=False)
            assert result.failed == 0, report.getvalue()
            namespace.update(test.globs)  # the test ran on a copy: later blocks use its names
        else:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(source, where, "exec"), namespace)
            assert printed.getvalue() == "", (
                f"{where} prints without showing it (write it as >>> examples):\n"
                f"{printed.getvalue()}"
            )


def test_the_pages_have_python_blocks_to_run():
    counted = {page.name: len(blocks(page)) for page in PAGES}
    assert counted["index.md"] >= 10 and counted["lua-to-python.md"] >= 5, counted
    assert all(
        counted[name] for name in ("README.md", "saving.md", "functional.md", "nngraph.md")
    ), counted


def test_index_shows_the_demos_training_loop_as_it_is():
    from nncore.cli import demo

    source = inspect.getsource(demo.train_epoch)
    shown = [code for _, code in blocks(ROOT / "docs" / "index.md") if "def train_epoch(" in code]
    assert len(shown) == 1 and source in shown[0], (
        "docs/index.md's train_epoch is not nncore/cli/demo.py's: copy it from there"
    )


def test_index_shows_what_nncore_plugins_prints():
    from nncore.cli.info import DISTRIBUTIONS
    from nncore.cli.plugins import listing

    registry = nncore.reload()
    installed = sorted(d for d in DISTRIBUTIONS if d in registry.plugins)
    if installed != sorted(DISTRIBUTIONS):
        pytest.skip(f"nncore's own plugins are not all installed: {installed}")
    backend = registry.plugins["nn-conv"].backend
    if backend != "compiled (Cython)":
        pytest.skip(f"nn-conv's kernels are not built here ({backend})")
    (console,) = [code for _, code in blocks(ROOT / "docs" / "index.md", "console")]
    expected = "\n".join(["$ nncore plugins", *listing(registry, installed)]) + "\n$ "
    assert expected in console, (
        "docs/index.md shows another `nncore plugins` output than nncore's own plugins give: "
        f"paste\n{expected}"
    )
