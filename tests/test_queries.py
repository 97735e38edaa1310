"""Queries across packages: ``find_modules`` through every plugin's containers, registry listing
that imports no layer and no compiled kernel, and listing time with many plugins installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import nncore
from nncore import nn

pytest.importorskip("nn_table")
pytest.importorskip("nn_conv")


def _network() -> nncore.Module:
    """nn-basic, nn-table and nn-conv modules and containers, nested."""
    branch = nn.Sequential().add(nn.Linear(8, 3)).add(nn.Tanh())
    return (
        nn.Sequential()
        .add(nn.SpatialConvolution(1, 2, 3, 3))  # 0
        .add(nn.ReLU())  # 1
        .add(nn.SpatialMaxPooling(2, 2))  # 2
        .add(nn.Reshape(8))  # 3
        .add(nn.ConcatTable().add(nn.Linear(8, 3)).add(branch))  # 4, 4.0, 4.1, 4.1.0, 4.1.1
        .add(nn.ParallelTable().add(nn.Tanh()).add(nn.Sigmoid()))  # 5, 5.0, 5.1
        .add(nn.CAddTable())  # 6
    )


@pytest.fixture
def net():
    nncore.manual_seed(0)
    return _network()


def _paths(net, query):
    return net.find_modules(query).paths


def test_network_runs(net):
    out = net.forward(np.random.default_rng(0).standard_normal((2, 1, 6, 6)))
    assert out.shape == (2, 3)


def test_by_short_and_qualified_name_through_table_containers(net):
    assert _paths(net, "Linear") == ["4.0", "4.1.0"]
    assert _paths(net, "nn-basic:Linear") == ["4.0", "4.1.0"]
    assert _paths(net, "Tanh") == ["4.1.1", "5.0"]
    assert _paths(net, "nn-table:ConcatTable") == ["4"]
    assert _paths(net, "nn-conv:SpatialConvolution") == ["0"]
    assert _paths(net, "nn-table:Linear") == []
    assert _paths(net, "NotAClass") == []


def test_modules_and_containers_like_torch_find_modules(net):
    modules, containers = net.find_modules("Tanh")
    concat, parallel = net.get(4), net.get(5)
    assert modules == [concat.get(1).get(1), parallel.get(0)]
    assert containers[0] is concat.get(1) and containers[1] is parallel
    found = net.find_modules("Sequential")
    assert found.paths == ["", "4.1"]
    assert found.containers[0] is net  # the root is its own container, as in torch/nn


def test_by_wildcard_and_provider(net):
    assert _paths(net, "*Table") == ["4", "5", "6"]
    assert _paths(net, "Spatial*") == ["0", "2"]
    assert _paths(net, "nn-conv:*") == ["0", "2"]
    assert _paths(net, "nn-table:*") == ["4", "5", "6"]
    assert _paths(net, "nn-basic:*") == ["", "1", "3", "4.0", "4.1", "4.1.0", "4.1.1", "5.0", "5.1"]


def test_by_class_includes_subclasses(net):
    conv_class = nn.SpatialConvolution

    class Mine(conv_class):
        """A local subclass: not registered, so it answers only to its own name."""

    nncore.swap(net, "nn-conv:SpatialConvolution", Mine)
    assert _paths(net, conv_class) == ["0"]
    assert _paths(net, Mine) == ["0"]
    assert _paths(net, "SpatialConvolution") == []
    assert _paths(net, "Mine") == ["0"]
    assert _paths(net, nncore.Container) == ["", "4", "4.1", "5"]


def test_by_predicate(net):
    with_parameters = net.find_modules(lambda m: bool(m.parameters()[0]) and not m.children())
    assert with_parameters.paths == ["0", "4.0", "4.1.0"]


def test_bad_query_is_a_clear_error(net):
    with pytest.raises(nncore.InputTypeError, match="a class, a name or a predicate"):
        net.find_modules(3)


def test_replace_and_swap_work_through_table_containers(net):
    x = np.random.default_rng(1).standard_normal((2, 1, 6, 6))
    before = net.forward(x).copy()
    identity = nn.Identity

    def drop_sigmoid(module):
        return identity() if type(module).__name__ == "Sigmoid" else module

    assert net.replace(drop_sigmoid) is net
    assert _paths(net, "Sigmoid") == [] and _paths(net, "Identity") == ["5.1"]
    changes = nncore.swap(net, "Tanh", "nn-basic:HardTanh", dry_run=True)
    assert [c.path for c in changes] == ["4.1.1", "5.0"]
    assert net.forward(x).shape == before.shape


# --------------------------------------------------------------------------- listing
def test_list_wildcards_provider_exclude_kind():
    reg = nncore.registry()
    conv = [e.qualified for e in reg.list("*Conv*", provider="nn-conv")]
    assert "nn-conv:SpatialConvolution" in conv and "nn-conv:TemporalConvolution" in conv
    assert all(q.startswith("nn-conv:") for q in conv)
    without_spatial = reg.list("*Conv*", provider="nn-conv", exclude=["Spatial*", "Volumetric*"])
    assert {e.name for e in without_spatial} >= {"TemporalConvolution"}
    assert not any(e.name.startswith(("Spatial", "Volumetric")) for e in without_spatial)
    containers = {e.qualified for e in reg.list(kind="container")}
    assert {"nn-basic:Sequential", "nn-table:ConcatTable", "nn-table:ParallelTable"} <= containers
    assert all(e.kind == "criterion" for e in reg.list("*Criterion", kind="criterion"))
    assert reg.list("nn-table:*") == reg.list(provider="nn-table")


LISTING_PROBE = """
import json, os, sys
import nncore
from nncore.cli import main

reg = nncore.registry()
reg.list("*")
reg.list("*Conv*", provider="nn-conv", kind="module")
main(["modules"])
main(["modules", "*Conv*", "--provider", "nn-conv"])
packages = {e.ref.split(".")[0] for e in reg.entries.values()}
loaded = {name: getattr(module, "__file__", None) or "" for name, module in sys.modules.items()}
# positive control: using a layer does import the kernels (when they are built)
import numpy as np
nncore.nn["nn-conv:SpatialConvolution"](1, 1, 2, 2).forward(np.zeros((1, 3, 3)))
used = sorted(name for name, module in sys.modules.items() if name.startswith("nn_conv")
              and (getattr(module, "__file__", None) or "").endswith(".so"))
print(json.dumps({"packages": sorted(packages), "loaded": loaded, "after_use": used}))
"""


def _listing_report() -> dict:
    """The modules a fresh interpreter has imported after listing (API and ``nncore modules``)."""
    env = {k: v for k, v in os.environ.items() if k != "NNCORE_NO_EXTENSIONS"}
    result = subprocess.run(
        [sys.executable, "-c", LISTING_PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def listing_report() -> dict:
    return _listing_report()


def test_listing_imports_no_compiled_extension(listing_report):
    assert {"nn_basic", "nn_conv", "nn_table"} <= set(listing_report["packages"])
    extensions = [
        name
        for name, path in listing_report["loaded"].items()
        if name.split(".")[0] in listing_report["packages"] and path.endswith((".so", ".pyd"))
    ]
    assert extensions == []
    from nn_conv._plugin import EXTENSIONS

    compiled = sorted(f"nn_conv.{name}" for name in EXTENSIONS)
    assert not set(compiled) & set(listing_report["loaded"])
    backend = nncore.registry().plugins["nn-conv"].backend or ""
    if backend.startswith("compiled"):  # the probe does see the kernels once a layer runs
        assert listing_report["after_use"] == compiled


@pytest.mark.parametrize(
    "package", sorted({e.ref.split(".")[0] for e in nncore.registry().entries.values()})
)
def test_listing_imports_only_registration_modules(listing_report, package):
    loaded = [name for name in listing_report["loaded"] if name.split(".")[0] == package]
    layers = [
        name
        for name in loaded
        if "." in name and not name.split(".")[1].startswith(("_plugin", "_names"))
    ]
    assert layers == []


# --------------------------------------------------------------------------- many plugins
N_FAKE = 30
CLASSES_EACH = 20


def _fake_plugins(make_distribution) -> None:
    for i in range(N_FAKE):
        package = f"fake_layers_{i:02d}"
        names = {f"Fake{i:02d}Conv{j:02d}": f"layer_{j:02d}" for j in range(CLASSES_EACH)}
        make_distribution(
            f"fake-layers-{i:02d}",
            {
                f"{package}/__init__.py": "",
                f"{package}/_plugin.py": f"""
                from nncore.plugin import hookimpl, specs

                @hookimpl
                def nncore_classes():
                    return specs({package!r}, "module", {names!r})
            """,
                # importing a layer would fail loudly: listing must never do it
                **{
                    f"{package}/{module}.py": "raise ImportError('layer imported')\n"
                    for module in names.values()
                },
            },
            entry_point=f"{package}._plugin",
        )


def test_listing_with_many_plugins_is_fast(make_distribution, capsys):
    _fake_plugins(make_distribution)
    start = time.perf_counter()
    reg = nncore.reload()
    built = time.perf_counter() - start
    assert sum(name.startswith("fake-layers-") for name in reg.plugins) == N_FAKE
    start = time.perf_counter()
    entries = reg.list("*Conv*", exclude="*Conv0[5-9]")
    listed = time.perf_counter() - start
    assert len([e for e in entries if e.distribution.startswith("fake-")]) == N_FAKE * 15
    from nncore.cli import main

    start = time.perf_counter()
    assert main(["modules", "Fake*", "--names"]) == 0
    command = time.perf_counter() - start
    assert len(capsys.readouterr().out.split()) == N_FAKE * CLASSES_EACH
    with capsys.disabled():
        print(
            f"\n{N_FAKE} extra plugins x {CLASSES_EACH} classes: registry built in "
            f"{built * 1e3:.0f} ms, list in {listed * 1e3:.1f} ms, "
            f"`nncore modules` in {command * 1e3:.0f} ms"
        )
    # generous bounds for a loaded 2-core machine; typical numbers are a few times smaller
    assert built < 3.0
    assert listed < 0.2
    assert command < 0.5


def test_nncore_modules_command_with_many_plugins(make_distribution):
    _fake_plugins(make_distribution)
    site = str(make_distribution.root)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([site, os.environ.get("PYTHONPATH", "")])}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "nncore.cli", "modules", "*Conv1*"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert f"fake-layers-{N_FAKE - 1:02d}" in result.stdout
    assert result.stdout.count("fake-layers-") == N_FAKE * 10
    print(f"`nncore modules` (new interpreter, {N_FAKE} extra plugins): {elapsed:.2f} s")
    assert elapsed < 10.0


def test_find_modules_benchmark_runs():
    script = os.path.join(os.path.dirname(__file__), "..", "benchmarks", "find_modules.py")
    result = subprocess.run(
        [sys.executable, script, "--modules", "300", "--repeat", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("find_modules on 305 modules")
    assert "qualified 'nn-basic:Linear'" in result.stdout


# ------------------------------------------------------------------ a third party's container
BLOCKS = {
    "toy_blocks/__init__.py": "",
    "toy_blocks/_plugin.py": """
        from nncore.plugin import hookimpl, specs

        @hookimpl
        def nncore_classes():
            return specs("toy_blocks", "container", {"Residual": "residual"})
    """,
    "toy_blocks/residual.py": """
        from nncore.plugin import Case, Module, nn

        class Residual(Module):
            '''y = x + body(x); its one child is called "body" (the protocol only, no Container).'''

            def __init__(self, body):
                super().__init__()
                self.body = body

            def named_children(self):
                yield "body", self.body

            def set_child(self, name, module):
                if name != "body":
                    raise KeyError(name)
                self.body = module

            def update_output(self, input):
                return input + self.body.forward(input)

            def update_grad_input(self, input, grad_output):
                return grad_output + self.body.update_grad_input(input, grad_output)

            def acc_grad_parameters(self, input, grad_output, scale=1.0):
                self.body.acc_grad_parameters(input, grad_output, scale)

        def examples():
            return [Case(Residual(nn.Linear(3, 3)), input_shape=(2, 3), batched=True)]
    """,
}


def test_a_third_party_container_works_with_find_swap_save_and_check(
    make_distribution, tmp_path, capsys
):
    make_distribution("toy-blocks", BLOCKS, entry_point="toy_blocks._plugin")
    nncore.reload()
    residual = nn.Residual
    net = (
        nn.Sequential()
        .add(residual(nn.Linear(3, 3)))
        .add(residual(nn.Sequential().add(nn.Tanh()).add(nn.Linear(3, 3))))
    )
    assert _paths(net, "Linear") == ["0.body", "1.body.1"]
    assert _paths(net, "toy-blocks:*") == ["0", "1"]
    found = net.find_modules("Tanh")
    assert found.paths == ["1.body.0"] and found.containers[0] is net.get(1).body

    x = np.random.default_rng(2).standard_normal((4, 3))
    before = net.forward(x).copy()
    nncore.swap(net, "nn-basic:Tanh", "nn-basic:HardTanh")  # inside the third party's child
    assert _paths(net, "HardTanh") == ["1.body.0"]
    path = tmp_path / "net.nncore"
    nncore.save(net, path)
    again = nncore.load(path)
    assert _paths(again, "toy-blocks:Residual") == ["0", "1"]
    np.testing.assert_allclose(again.forward(x), net.forward(x), rtol=1e-12, atol=1e-14)
    assert not np.allclose(before, net.forward(x))  # HardTanh differs from Tanh on this input

    from nncore.cli import main

    assert main(["check", "toy-blocks"]) == 0
    assert " 0 failed" in capsys.readouterr().out.splitlines()[-1]
