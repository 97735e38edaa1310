"""The ``nncore`` command: ``plugins`` (a broken plugin installed too) and bad arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import nncore
from nncore import nn
from nncore.cli import main

BROKEN = "broken-demo-plugin"


def _install_broken_plugin(site: Path) -> None:
    """A real distribution (dist-info with an ``nncore`` entry point) whose plugin import raises."""
    info = site / "broken_demo_plugin-0.3.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {BROKEN}\nVersion: 0.3.1\n")
    (info / "entry_points.txt").write_text(f"[nncore]\n{BROKEN} = broken_demo_plugin\n")
    (site / "broken_demo_plugin.py").write_text("raise ImportError('kernels were not compiled')\n")


@pytest.fixture
def broken_site(tmp_path, monkeypatch):
    _install_broken_plugin(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("NNCORE_STRICT", raising=False)
    nncore.reload()
    yield tmp_path
    monkeypatch.undo()
    sys.modules.pop("broken_demo_plugin", None)
    nncore.reload()


def _run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nncore.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_plugins_lists_each_distribution_with_version_status_and_class_count(capsys):
    registry = nncore.reload()
    assert main(["plugins"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["distribution", "version", "status", "classes", "backend"]
    basic = next(line.split() for line in lines if line.startswith("nn-basic "))
    expected_count = sum(1 for e in registry.entries.values() if e.distribution == "nn-basic")
    assert basic[1:4] == [registry.plugins["nn-basic"].version, "loaded", str(expected_count)]
    assert expected_count > 0


def test_plugins_classes_option_names_the_classes(capsys):
    assert main(["plugins", "--classes"]) == 0
    out = capsys.readouterr().out
    classes_line = next(
        line for line in out.splitlines() if "classes: " in line and "Linear" in line
    )
    assert "Sequential" in classes_line.split("classes: ")[1].split(", ")


def test_check_of_a_plugin_of_hooks_only_says_there_is_nothing_to_check(capsys):
    registry = nncore.reload()
    if "nn-parallel" not in registry.plugins:
        pytest.skip("nn-parallel (a plugin of hooks only) is not installed")
    assert not any(e.distribution == "nn-parallel" for e in registry.entries.values())
    assert main(["check", "nn-parallel"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"nn-parallel {registry.plugins['nn-parallel'].version} registers no module classes or "
        "optimizers: nothing to check"
    )


def test_broken_plugin_is_listed_as_failed_and_others_keep_working(broken_site, capsys):
    assert main(["plugins"]) == 1  # listed, and the status says something is wrong
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith(BROKEN))
    assert row.split()[1:4] == ["0.3.1", "failed", "0"]
    assert "error: ImportError: kernels were not compiled" in out
    assert "1 plugin(s) failed to load" in out
    assert any(line.startswith("nn-basic ") and " loaded " in line for line in out.splitlines())
    assert repr(nn.Linear(3, 2)) == "nn.Linear(3 -> 2)"


def test_strict_mode_turns_a_broken_plugin_into_a_one_line_error(broken_site):
    result = _run_cli("plugins", env={"PYTHONPATH": str(broken_site), "NNCORE_STRICT": "1"})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("nncore plugins: error: ")
    assert BROKEN in result.stderr and "kernels were not compiled" in result.stderr


def test_disabled_plugin_is_listed_as_disabled(capsys, monkeypatch):
    monkeypatch.setenv("NNCORE_DISABLE_PLUGINS", "nn-basic")
    nncore.reload()
    try:
        assert main(["plugins"]) == 0
        row = next(
            line for line in capsys.readouterr().out.splitlines() if line.startswith("nn-basic ")
        )
        assert row.split()[2:4] == ["disabled", "0"]
    finally:
        monkeypatch.undo()
        nncore.reload()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["demo", "--epochs", "0"],
        ["demo", "--epochs", "three"],
        ["demo", "--model", "resnet"],
        ["demo", "--lr", "-1"],
        ["demo", "--out", "curves.pdf"],
        ["plugins", "--unknown-flag"],
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nncore")
    assert "error: " in err


def test_console_entry_point_runs_as_a_module():
    result = _run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"nncore {nncore.__version__}"
    bad = _run_cli("demo", "--seed", "x")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "argv", [["modules"], ["modules", "--names"], ["plugins", "--classes"], ["info", "Linear"]]
)
def test_a_reader_that_stops_reading_ends_the_command_quietly(argv):
    """``nncore modules | head -1``: no error message, the status of a tool ended by SIGPIPE."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line: every write meets a closed pipe
    try:
        result = subprocess.run(
            [sys.executable, "-m", "nncore.cli", *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert result.stderr == ""
    assert result.returncode == 128 + 13  # 128 + SIGPIPE, what a shell reports for `yes | head`


def test_errors_of_a_subcommand_name_it(capsys):
    assert main(["info", "nn-nowhere:Linear"]) == 1
    assert capsys.readouterr().err.startswith("nncore info: error: ")
