"""A plugin can break only itself: whatever it raises, returns, registers or prints while it
loads, the other plugins and the programs using them keep working; the registry is thread-safe."""

from __future__ import annotations

import contextlib
import io
import re
import threading

import numpy as np
import pytest

import nncore
from nncore import nn
from nncore.cli import main
from nncore.errors import PluginError, RegistryError

GOOD = {
    "good_layers/__init__.py": "",
    "good_layers/_plugin.py": """
        from nncore.plugin import hookimpl, specs

        @hookimpl
        def nncore_classes():
            return specs("good_layers", "module", {"Twice": "twice"})
    """,
    "good_layers/twice.py": """
        from nncore.plugin import Module

        class Twice(Module):
            def update_output(self, input):
                return 2 * input

            def update_grad_input(self, input, grad_output):
                return 2 * grad_output
    """,
}


def plugin(package: str, body: str) -> dict[str, str]:
    return {f"{package}/__init__.py": "", f"{package}/_plugin.py": body}


def install(make_distribution, name: str, files: dict[str, str]) -> None:
    make_distribution(name, files, entry_point=f"{name.replace('-', '_')}._plugin")


def test_a_plugin_raising_system_exit_at_import_fails_alone(make_distribution):
    install(make_distribution, "good-layers", GOOD)
    install(make_distribution, "bad-exit", plugin("bad_exit", "raise SystemExit(3)\n"))
    registry = nncore.reload()
    assert registry.plugins["bad-exit"].status == "failed"
    assert "SystemExit" in registry.plugins["bad-exit"].errors[0]
    np.testing.assert_array_equal(nn.Twice().forward(np.ones(2)), [2.0, 2.0])
    assert nn.Linear(2, 2).forward(np.ones(2)).shape == (2,)


@pytest.mark.parametrize(
    "hook, value, expected",
    [
        ("nncore_backend", "{'compiled': True}", "nncore_backend hook of bad-hooks returned"),
        ("nncore_backend", "'two\\nlines'", "one line"),
        ("nncore_classes", "42", "expected a list of nncore.plugin.ClassSpec"),
        ("nncore_classes", "[('Evil', 'os:system', 'weapon')]", "expected a kind"),
        ("nncore_classes", "[('Evil', 'no reference', 'module')]", "expected a reference"),
        ("nncore_call_handler", "3.5", "expected a reference"),
        ("nncore_data_parallel", "'no reference'", "expected a reference"),
    ],
)
def test_hook_results_are_validated(make_distribution, hook, value, expected):
    body = f"""
        from nncore.plugin import hookimpl

        @hookimpl
        def {hook}():
            return {value}
    """
    install(make_distribution, "bad-hooks", plugin("bad_hooks", body))
    install(make_distribution, "good-layers", GOOD)
    registry = nncore.reload()
    record = registry.plugins["bad-hooks"]
    assert record.status == "failed" and expected in record.errors[0], record.errors
    assert registry.plugins["good-layers"].status == "loaded"


def test_registered_objects_must_be_module_classes(make_distribution):
    body = """
        from nncore.plugin import hookimpl, specs, ClassSpec

        @hookimpl
        def nncore_classes():
            return [ClassSpec("NotAModule", "not_modules.things:Thing")]
    """
    files = {**plugin("not_modules", body), "not_modules/things.py": "Thing = dict\n"}
    install(make_distribution, "not-modules", files)
    nncore.reload()
    with pytest.raises(RegistryError, match="is not an nncore Module class"):
        nn.NotAModule()


def test_strict_mode_verifies_every_reference(make_distribution, monkeypatch):
    body = """
        from nncore.plugin import hookimpl, specs

        @hookimpl
        def nncore_classes():
            return specs("dangling", "module", {"Ghost": "does_not_exist"})
    """
    install(make_distribution, "dangling", plugin("dangling", body))
    assert nncore.reload().plugins["dangling"].status == "loaded"  # lazy: found at first use
    with pytest.raises(PluginError, match="Ghost.*could not be imported"):
        nncore.reload(strict=True)


def test_a_plugin_cannot_take_over_another_distributions_class(make_distribution, tmp_path):
    body = """
        from nncore.plugin import hookimpl, ClassSpec

        @hookimpl
        def nncore_classes():
            return [ClassSpec("AAALinear", "nn_basic.linear:Linear")]
    """
    install(make_distribution, "nn-bad-alias", plugin("nn_bad_alias", body))
    registry = nncore.reload()
    assert registry.plugins["nn-bad-alias"].status == "failed"
    assert "registers only its own classes" in registry.plugins["nn-bad-alias"].errors[0]
    path = tmp_path / "linear.nncore"
    nncore.save(nn.Linear(2, 2), path)
    assert b"nn-basic:Linear" in path.read_bytes() and b"AAALinear" not in path.read_bytes()


def test_what_a_plugin_prints_while_loading_is_not_the_programs_output(make_distribution):
    body = """
        print("hello from a chatty plugin")
        import time
        time.sleep(1.1)
        from nncore.plugin import hookimpl
    """
    install(make_distribution, "chatty", plugin("chatty", body))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        nncore.reload()
        main(["plugins"])
    text = out.getvalue()
    assert "hello from a chatty plugin" not in text
    assert re.search(r"slow: registering it took \d+\.\d s", text), text


def test_the_registry_is_thread_safe(make_distribution):
    install(make_distribution, "good-layers", GOOD)
    nncore.reload()
    errors: list[BaseException] = []

    def resolve():
        try:
            for _ in range(50):
                assert nn.Twice is not None and nn.Linear is not None
        except BaseException as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    def rebuild():
        try:
            for _ in range(5):
                nncore.reload()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=resolve) for _ in range(4)] + [
        threading.Thread(target=rebuild)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_examples_that_are_no_cases_are_a_clear_error_of_nncore_check(make_distribution, capsys):
    files = {
        **plugin(
            "odd_examples",
            """
            from nncore.plugin import hookimpl, specs

            @hookimpl
            def nncore_classes():
                return specs("odd_examples", "module", {"Odd": "odd"})
            """,
        ),
        "odd_examples/odd.py": """
            from nncore.plugin import Module

            class Odd(Module):
                def update_output(self, input):
                    return input

            def examples():
                return 42
        """,
    }
    install(make_distribution, "odd-examples", files)
    nncore.reload()
    assert main(["check", "odd-examples"]) == 1
    error = capsys.readouterr().err
    assert "odd-examples: odd_examples.odd.examples() returned 42" in error
    assert "expected a list of nncore.plugin.Case" in error


def _data_parallel_plugin(package: str) -> dict[str, str]:
    return {
        **plugin(
            package,
            f"""
            from nncore.plugin import hookimpl

            @hookimpl
            def nncore_data_parallel():
                return "{package}.wrapper:Replicated"
            """,
        ),
        f"{package}/wrapper.py": "class Replicated:\n    pass\n",
    }


def test_the_data_parallel_wrapper_comes_from_the_one_plugin_that_provides_it(
    make_distribution, monkeypatch
):
    monkeypatch.setenv("NNCORE_DISABLE_PLUGINS", "nn-parallel")
    install(make_distribution, "one-wrapper", _data_parallel_plugin("one_wrapper"))
    registry = nncore.reload()
    assert registry.data_parallel().__module__ == "one_wrapper.wrapper"
    install(make_distribution, "two-wrapper", _data_parallel_plugin("two_wrapper"))
    with pytest.raises(RegistryError, match="several plugins provide data-parallel training: "):
        nncore.reload().data_parallel()
    registry = nncore.reload(disabled=["nn-parallel", "one-wrapper", "two-wrapper"])
    with pytest.raises(RegistryError, match="install nn-parallel"):
        registry.data_parallel()


def test_default_threads_reads_its_variable_and_falls_back_to_the_cores(monkeypatch):
    from nncore.plugin import available_cores, default_threads

    cores = available_cores()
    assert cores >= 1
    for value, expected in [("4", 4), ("0", 1), ("", cores), ("many", cores)]:
        monkeypatch.setenv("MY_LAYERS_NUM_THREADS", value)
        assert default_threads("MY_LAYERS_NUM_THREADS") == expected, value
    monkeypatch.delenv("MY_LAYERS_NUM_THREADS")
    assert default_threads("MY_LAYERS_NUM_THREADS") == cores
