"""Plugin discovery, isolation of failures, names, ambiguity and the ``nn`` namespace."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import nncore
from nncore import nn
from nncore._registry import Registry
from nncore.errors import AmbiguousNameError, PluginError, RegistryError, UnknownNameError

GOOD_PLUGIN = """
    from nncore.plugin import ClassSpec, hookimpl

    @hookimpl
    def nncore_classes():
        return [ClassSpec("{name}", "{package}.layers:{name}")]
"""

LAYERS = """
    import numpy as np
    from nncore import Module

    IMPORTED = True

    class {name}(Module):
        def update_output(self, input):
            return input * {factor}

        def update_grad_input(self, input, grad_output):
            return grad_output * {factor}
"""


def install_good(make_distribution, dist, package, name, factor=2.0):
    make_distribution(
        dist,
        {
            f"{package}/__init__.py": "",
            f"{package}/_plugin.py": GOOD_PLUGIN.format(name=name, package=package),
            f"{package}/layers.py": LAYERS.format(name=name, factor=factor),
        },
        entry_point=f"{package}._plugin",
    )


def test_the_starter_plugin_is_found():
    record = nncore.registry().plugins["nn-basic"]
    assert record.status == "loaded" and record.class_count > 0
    assert nncore.registry().entry("Linear").qualified == "nn-basic:Linear"
    assert nn["nn-basic:Linear"] is nn.Linear
    assert "Linear" in dir(nn)


def test_a_third_party_plugin_is_found_and_lazily_imported(make_distribution):
    install_good(make_distribution, "nn-swish", "nn_swish", "Swish")
    registry = nncore.reload()
    assert registry.plugins["nn-swish"].status == "loaded"
    assert "nn_swish.layers" not in sys.modules  # listing imports only the registration module
    assert [e.qualified for e in registry.list("Sw*")] == ["nn-swish:Swish"]
    assert "nn_swish.layers" not in sys.modules
    swish = nn.Swish()
    assert "nn_swish.layers" in sys.modules
    assert nncore.registry().names_of(type(swish)) == ("Swish", "nn-swish:Swish")


def test_a_plugin_whose_import_raises_is_recorded_and_the_others_work(make_distribution):
    make_distribution(
        "nn-broken",
        {
            "nn_broken/__init__.py": "",
            "nn_broken/_plugin.py": "raise RuntimeError('this plugin is broken on purpose')\n",
        },
        entry_point="nn_broken._plugin",
        version="0.3",
    )
    registry = nncore.reload()
    record = registry.plugins["nn-broken"]
    assert record.status == "failed" and record.version == "0.3"
    assert "broken on purpose" in record.errors[0]
    assert nn.Linear(2, 3) is not None


def test_a_bad_entry_point_target_is_recorded(make_distribution):
    make_distribution("nn-typo", {}, entry_point="nn_tpyo._plugin")
    make_distribution("nn-noattr", {"nn_noattr.py": "x = 1\n"}, entry_point="nn_noattr:missing")
    registry = nncore.reload()
    assert registry.plugins["nn-typo"].status == "failed"
    assert "nn_tpyo" in registry.plugins["nn-typo"].errors[0]
    assert registry.plugins["nn-noattr"].status == "failed"
    assert registry.plugins["nn-basic"].status == "loaded"


def test_a_hook_that_raises_is_recorded(make_distribution):
    make_distribution(
        "nn-hookfail",
        {
            "nn_hookfail.py": """
        from nncore.plugin import hookimpl

        @hookimpl
        def nncore_classes():
            raise KeyError("hook exploded")
    """
        },
        entry_point="nn_hookfail",
    )
    registry = nncore.reload()
    assert registry.plugins["nn-hookfail"].status == "failed"
    assert "hook exploded" in registry.plugins["nn-hookfail"].errors[0]
    assert registry.entry("Linear").distribution == "nn-basic"


def test_a_malformed_class_spec_is_recorded(make_distribution):
    make_distribution(
        "nn-badspec",
        {
            "nn_badspec.py": """
        from nncore.plugin import ClassSpec, hookimpl

        @hookimpl
        def nncore_classes():
            return [ClassSpec("Good", "nn_badspec:Good"), ClassSpec("Bad", "no colon here")]
    """
        },
        entry_point="nn_badspec",
    )
    registry = nncore.reload()
    assert registry.plugins["nn-badspec"].status == "failed"
    assert "Good" not in registry.by_name  # a failed plugin contributes nothing


def test_strict_mode_turns_failures_into_errors(make_distribution, monkeypatch):
    make_distribution(
        "nn-broken", {"nn_broken.py": "raise ImportError('nope')\n"}, entry_point="nn_broken"
    )
    with pytest.raises(PluginError, match="nn-broken 1.0.*nope"):
        Registry(strict=True)
    monkeypatch.setenv("NNCORE_STRICT", "1")
    with pytest.raises(PluginError):
        nncore.reload()


def test_two_plugins_with_the_same_short_name(make_distribution):
    install_good(make_distribution, "nn-alpha", "nn_alpha", "Swish", factor=2.0)
    install_good(make_distribution, "nn-beta", "nn_beta", "Swish", factor=3.0)
    nncore.reload()
    with pytest.raises(AmbiguousNameError) as info:
        _ = nn.Swish
    assert "nn-alpha:Swish" in str(info.value) and "nn-beta:Swish" in str(info.value)
    assert nn["nn-beta:Swish"]().forward(1.0) == 3.0
    nncore.prefer("Swish", "nn-beta")
    assert nn.Swish().forward(1.0) == 3.0
    pinned = Registry(preferred={"Swish": "nn_alpha"})
    assert pinned.resolve("Swish")().forward(1.0) == 2.0


def test_a_disabled_plugin_is_skipped(make_distribution, monkeypatch):
    install_good(make_distribution, "nn-swish", "nn_swish", "Swish")
    nncore.reload()
    nncore.disable_plugin("nn_swish")
    assert nncore.registry().plugins["nn-swish"].status == "disabled"
    with pytest.raises(UnknownNameError):
        _ = nn.Swish
    monkeypatch.setenv("NNCORE_DISABLE_PLUGINS", "nn-swish,nn-basic")
    assert nncore.reload().plugins["nn-swish"].status == "disabled"
    with pytest.raises(
        UnknownNameError, match="nn.Linear is provided by nn-basic, which is disabled"
    ):
        _ = nn.Linear


def test_unknown_names_say_which_distribution_provides_them(fresh_registry):
    registry = Registry(disabled=[], entry_points=[])
    with pytest.raises(UnknownNameError, match="pip install nn-table"):
        registry.resolve("JoinTable")
    with pytest.raises(UnknownNameError, match="not registered by any installed"):
        registry.resolve("NoSuchLayer")
    with pytest.raises(UnknownNameError, match="nn-basic 0.1.0 does not register 'Nope'"):
        nncore.registry().resolve("nn-basic:Nope")
    with pytest.raises(AttributeError):  # so hasattr(nn, ...) works
        _ = nn.NoSuchLayer


def test_a_class_that_fails_to_import_names_its_provider(make_distribution):
    make_distribution(
        "nn-lazybad",
        {
            "nn_lazybad/__init__.py": "",
            "nn_lazybad/_plugin.py": GOOD_PLUGIN.format(name="Oops", package="nn_lazybad"),
            "nn_lazybad/layers.py": "raise ImportError('missing compiled kernel')\n",
        },
        entry_point="nn_lazybad._plugin",
    )
    nncore.reload()
    with pytest.raises(
        RegistryError, match="nn-lazybad:Oops .*could not be imported.*compiled kernel"
    ):
        _ = nn.Oops


def test_listing_filters():
    registry = nncore.registry()
    names = [e.name for e in registry.list("*Criterion", provider="nn-basic")]
    assert "MSECriterion" in names and all(n.endswith("Criterion") for n in names)
    assert all(e.kind == "criterion" for e in registry.list(kind="criterion"))
    assert "Linear" not in [e.name for e in registry.list("Lin*", exclude="Linear")]
    assert registry.list(provider="nn-nothing") == []


def test_a_broken_plugin_next_to_nn_basic_in_a_fresh_process(make_distribution):
    make_distribution("nn-broken", {"nn_broken.py": "1 / 0\n"}, entry_point="nn_broken")
    code = textwrap.dedent("""
        import nncore
        from nncore import nn
        print(nn.Linear(2, 3))
        record = nncore.registry().plugins["nn-broken"]
        print(record.status, record.errors[0])
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "nn.Linear(2 -> 3)" in out and "failed ZeroDivisionError" in out


def test_the_catalogue_names_every_first_party_plugin_and_only_what_they_register():
    """A new layer in a plugin needs no change to the core (its name is found when its plugin is
    installed); ``python -m nncore.cli.catalogue`` adds it to what nncore knows of absent ones."""
    from pathlib import Path

    from nncore._catalogue import DISTRIBUTIONS, KNOWN_PROVIDERS

    root = Path(__file__).parents[1]
    in_repository = {
        line.split('"')[1]
        for pyproject in root.glob("plugins/*/pyproject.toml")
        for line in pyproject.read_text().splitlines()
        if line.startswith("name = ")
    }
    assert set(DISTRIBUTIONS) == in_repository
    assert all(nncore.registry().plugins[d].status == "loaded" for d in DISTRIBUTIONS)
    stale = [
        f"{distribution}:{name}"
        for name, distribution in KNOWN_PROVIDERS.items()
        if f"{distribution}:{name}" not in nncore.registry().entries
    ]
    assert stale == [], "run `python -m nncore.cli.catalogue` to rewrite the catalogue"


def test_every_catalogued_first_party_name_resolves_through_nn_or_optim():
    from nncore._catalogue import KNOWN_PROVIDERS

    unresolved = []
    for name, distribution in sorted(KNOWN_PROVIDERS.items()):
        entry = nncore.registry().entries[f"{distribution}:{name}"]
        namespace = nncore.optim if entry.kind in ("optimizer", "optim-helper") else nn
        try:
            found = getattr(namespace, name)
        except nncore.RegistryError as error:
            unresolved.append(f"{name}: {error}")
            continue
        if isinstance(found, type):
            assert nncore.registry().names_of(found)[-1] == f"{distribution}:{name}"
        else:
            assert found is entry.load()
    assert unresolved == []
