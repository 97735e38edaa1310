"""Running the kit: over one case, over a plugin's registered classes, or as pytest parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .case import Case
from .checks import Check, checks_for
from .optimizer import OptimizerCase

AnyCase = Case | OptimizerCase
ExpectedFailures = Mapping[str, str] | Callable[[Any], Mapping[str, str]] | None
#: the kinds whose registered names the kit checks (``optim-helper`` ones are tested by their own
#: package: a confusion matrix or a logger has no common contract to check)
CHECKED_KINDS = ("module", "container", "criterion", "optimizer")


@dataclass
class CheckResult:
    """The outcome of one check on one case: ``passed``, ``failed`` or ``skipped``."""

    case: AnyCase
    check: str
    status: str
    message: str = ""


def run_checks(case: AnyCase) -> list[CheckResult]:
    """Run every applicable check on ``case``; never raises for a failing check."""
    results = []
    for check in checks_for(case):
        name = check.__name__
        if name in case.skip:
            results.append(CheckResult(case, name, "skipped", case.skip[name]))
            continue
        try:
            check(case)
        except Exception as error:  # a failing check is a result, whatever it raised
            results.append(CheckResult(case, name, "failed", failure_message(error)))
        else:
            results.append(CheckResult(case, name, "passed"))
    return results


def failure_message(error: BaseException) -> str:
    """``"<ErrorClass>: <message>"``, the message without the blank lines numpy's assertions
    start with (``assert_allclose`` begins with a newline)."""
    text = "\n".join(line.rstrip() for line in str(error).splitlines() if line.strip())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def check_case(case: AnyCase) -> None:
    """Run every applicable check on ``case``; raise one AssertionError listing all failures."""
    failures = [r for r in run_checks(case) if r.status == "failed"]
    if failures:
        lines = "\n".join(f"  {r.check}: {r.message}" for r in failures)
        raise AssertionError(f"{case.name} failed {len(failures)} check(s):\n{lines}")


def registered_cases(distribution: str | None = None) -> list[tuple[str, AnyCase | None]]:
    """``(qualified_name, case)`` for every registered class and optimiser (of one provider if
    given): a ``Case`` for a module, an ``OptimizerCase`` for an optimiser.

    A class whose plugin gives no example appears once with ``case`` None, so a suite iterating
    over this list can fail it.  Names of kind ``optim-helper`` are left out (see
    ``CHECKED_KINDS``).
    """
    from .._registry import registry

    found: list[tuple[str, AnyCase | None]] = []
    reg = registry()
    for entry in reg.list(provider=distribution):
        if entry.kind not in CHECKED_KINDS:
            continue
        cases: list[AnyCase] = reg.examples(entry)
        if not cases:
            found.append((entry.qualified, None))
        for case in cases:
            found.append((entry.qualified, case))
    return found


def parametrize_with_checks(
    cases: Iterable[AnyCase], expected_failed_checks: ExpectedFailures = None
) -> Any:
    """A ``pytest.mark.parametrize("case, check", ...)`` over every check of every case.

    Use it on a test taking ``(case, check)`` that calls ``check(case)``.  Checks a case lists in
    ``Case.skip`` are skipped with their reason; ``expected_failed_checks`` (a mapping
    ``{check_name: reason}``, or a function of the case returning one) marks checks xfail (strict).
    """
    import pytest

    params = []
    for case in cases:
        expected = (
            expected_failed_checks(case)
            if callable(expected_failed_checks)
            else dict(expected_failed_checks or {})
        )
        for check in checks_for(case):
            name = check.__name__
            marks = []
            if name in case.skip:
                marks.append(pytest.mark.skip(reason=case.skip[name]))
            elif name in expected:
                marks.append(pytest.mark.xfail(reason=expected[name], strict=True))
            params.append(pytest.param(case, check, id=f"{case.name}-{name}", marks=marks))
    return pytest.mark.parametrize("case, check", params)


__all__ = [
    "Check",
    "CheckResult",
    "check_case",
    "parametrize_with_checks",
    "registered_cases",
    "run_checks",
]
