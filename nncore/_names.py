"""What a short name means (``nn.Linear``), and what to say when it means nothing.

Installing a package never changes what existing code means:

1. a name the user chose a provider for (``nncore.prefer``, ``NNCORE_PREFER``, or a
   ``[tool.nncore.prefer]`` table in the project's ``pyproject.toml``) means that provider's class;
2. otherwise a torch/nn name keeps the meaning nncore's catalogue gives it (``nn.Linear`` is
   ``nn-basic:Linear`` whatever else is installed): another distribution's class of that name is
   *shadowed*, reachable by its qualified name;
3. otherwise a name only one installed distribution registers means its class, and a name
   several register is *ambiguous*: an error listing them, never a silent pick.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._catalogue import KNOWN_PROVIDERS
from .errors import AmbiguousNameError, UnknownNameError
from .hookspecs import MODULE_KINDS, OPTIM_KINDS

if TYPE_CHECKING:
    from ._entries import Entry
    from ._registry import Registry

#: PyTorch's names for torch/nn's classes (None: torch/nn has no such class)
PYTORCH_NAMES: dict[str, str | None] = {
    "Conv1d": "TemporalConvolution",
    "Conv2d": "SpatialConvolution",
    "Conv3d": "VolumetricConvolution",
    "ConvTranspose2d": "SpatialFullConvolution",
    "ConvTranspose3d": "VolumetricFullConvolution",
    "MaxPool1d": "TemporalMaxPooling",
    "MaxPool2d": "SpatialMaxPooling",
    "MaxPool3d": "VolumetricMaxPooling",
    "AvgPool2d": "SpatialAveragePooling",
    "AvgPool3d": "VolumetricAveragePooling",
    "AdaptiveMaxPool2d": "SpatialAdaptiveMaxPooling",
    "AdaptiveAvgPool2d": "SpatialAdaptiveAveragePooling",
    "MaxUnpool2d": "SpatialMaxUnpooling",
    "LPPool2d": "SpatialLPPooling",
    "BatchNorm1d": "BatchNormalization",
    "BatchNorm2d": "SpatialBatchNormalization",
    "BatchNorm3d": "VolumetricBatchNormalization",
    "Dropout2d": "SpatialDropout",
    "Dropout3d": "VolumetricDropout",
    "ZeroPad2d": "SpatialZeroPadding",
    "ReflectionPad2d": "SpatialReflectionPadding",
    "ReplicationPad2d": "SpatialReplicationPadding",
    "ReplicationPad3d": "VolumetricReplicationPadding",
    "UpsamplingNearest2d": "SpatialUpSamplingNearest",
    "UpsamplingBilinear2d": "SpatialUpSamplingBilinear",
    "LocalResponseNorm": "SpatialCrossMapLRN",
    "Embedding": "LookupTable",
    "Softmax": "SoftMax",
    "Softmin": "SoftMin",
    "LogSoftmax": "LogSoftMax",
    "Softplus": "SoftPlus",
    "Softsign": "SoftSign",
    "Softshrink": "SoftShrink",
    "Hardshrink": "HardShrink",
    "Hardtanh": "HardTanh",
    "Tanhshrink": "TanhShrink",
    "GLU": "GatedLinearUnit",
    "Flatten": "View",
    "Unflatten": "View",
    "CosineSimilarity": "CosineDistance",
    "MSELoss": "MSECriterion",
    "L1Loss": "AbsCriterion",
    "SmoothL1Loss": "SmoothL1Criterion",
    "BCELoss": "BCECriterion",
    "NLLLoss": "ClassNLLCriterion",
    "CrossEntropyLoss": "CrossEntropyCriterion",
    "KLDivLoss": "DistKLDivCriterion",
    "MarginRankingLoss": "MarginRankingCriterion",
    "HingeEmbeddingLoss": "HingeEmbeddingCriterion",
    "CosineEmbeddingLoss": "CosineEmbeddingCriterion",
    "MultiMarginLoss": "MultiMarginCriterion",
    "MultiLabelMarginLoss": "MultiLabelMarginCriterion",
    "MultiLabelSoftMarginLoss": "MultiLabelSoftMarginCriterion",
    "SoftMarginLoss": "SoftMarginCriterion",
    "ModuleList": "ConcatTable",
    "LSTM": None,
    "GRU": None,
    "RNN": None,
    "LSTMCell": None,
    "GRUCell": None,
    "MultiheadAttention": None,
    "Transformer": None,
    "LayerNorm": None,
    "GroupNorm": None,
    "InstanceNorm2d": None,
}


def project_preferences(start: Path | None = None) -> dict[str, str]:
    """``{name: distribution}`` from ``[tool.nncore.prefer]`` in the nearest ``pyproject.toml``
    at or above ``start`` (the working directory): a project's persistent choice of providers."""
    folder = (start or Path.cwd()).resolve()
    for candidate in [folder, *folder.parents]:
        path = candidate / "pyproject.toml"
        if path.is_file():
            table = _toml(path).get("tool", {}).get("nncore", {}).get("prefer", {})
            return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}
    return {}


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def environment_preferences() -> dict[str, str]:
    """``NNCORE_PREFER=Linear=nn-basic,Swish=my-layers``."""
    pairs = [p.split("=", 1) for p in os.environ.get("NNCORE_PREFER", "").split(",") if "=" in p]
    return {name.strip(): distribution.strip() for name, distribution in pairs}


#: the kinds each namespace holds (``nncore.nn``, ``nncore.optim``)
NAMESPACES: dict[str, tuple[str, ...]] = {"nn": MODULE_KINDS, "optim": OPTIM_KINDS}


def wrong_namespace(entry: Entry, namespace: str) -> str:
    """Why ``namespace.<name>`` is not ``entry``, which belongs to another namespace."""
    home = next(n for n, kinds in NAMESPACES.items() if entry.kind in kinds)
    return (
        f"{namespace}.{entry.name} is not in nncore.{namespace}: {entry.qualified} is a "
        f"{entry.kind}, found as nncore.{home}.{entry.name}"
    )


def resolve(registry: Registry, name: str, namespace: str | None = None) -> Entry:
    """The entry a short name means (see the module's docstring for the rules); with a
    namespace, among the entries of its kinds only."""
    candidates = registry.by_name.get(name, [])
    if namespace is not None:
        kinds = NAMESPACES[namespace]
        elsewhere = [e for e in candidates if e.kind not in kinds]
        candidates = [e for e in candidates if e.kind in kinds]
        if elsewhere and not candidates:
            raise UnknownNameError(wrong_namespace(elsewhere[0], namespace))
    prefix = namespace or "nn"
    preferred = registry.preferred.get(name)
    if preferred is not None:
        for entry in candidates:
            if entry.distribution == preferred:
                return entry
        raise UnknownNameError(
            f"{prefix}.{name} is set to come from {preferred} (nncore.prefer, NNCORE_PREFER or "
            f"[tool.nncore.prefer]), which does not register it"
            + (f"; installed: {', '.join(e.qualified for e in candidates)}" if candidates else "")
        )
    catalogued = KNOWN_PROVIDERS.get(name)
    if catalogued is not None:
        for entry in candidates:
            if entry.distribution == catalogued:
                return entry
        if candidates:  # only other distributions' classes of a torch/nn name: no silent swap
            others = ", ".join(e.qualified for e in candidates)
            raise UnknownNameError(
                f"{prefix}.{name} is torch/{prefix}'s {name}, from {catalogued}, which is not "
                "installed "
                f"(pip install {catalogued}); {others} has a class of that name: use "
                f"{prefix}[{candidates[0].qualified!r}] or nncore.prefer({name!r}, "
                f"{candidates[0].distribution!r})"
            )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnknownNameError(unknown_message(registry, name, None, prefix))
    listing = ", ".join(sorted(e.qualified for e in candidates))
    raise AmbiguousNameError(
        f"{prefix}.{name} is ambiguous: it is provided by {listing}. Use a qualified name "
        f"({prefix}[{candidates[0].qualified!r}]) or choose one with "
        f"nncore.prefer({name!r}, {candidates[0].distribution!r}) (or NNCORE_PREFER, or "
        "[tool.nncore.prefer] in pyproject.toml)"
    )


def unknown_message(
    registry: Registry, name: str, distribution: str | None, prefix: str = "nn"
) -> str:
    """Why ``name`` means nothing here, and what the user may have meant."""
    provider = distribution or KNOWN_PROVIDERS.get(name)
    record = registry.plugins.get(provider) if provider else None
    subject = f"{distribution}:{name}" if distribution else f"{prefix}.{name}"
    if record is not None and record.status == "disabled":
        return f"{subject} is provided by {provider}, which is disabled"
    if record is not None and record.status == "failed":
        return f"{subject} is provided by {provider}, which failed to load: {record.errors[0]}"
    if record is not None:
        return f"{subject}: {provider} {record.version} does not register {name!r}"
    if provider is not None:
        return (
            f"{subject} is not installed: it is provided by the distribution {provider!r} "
            f"(pip install {provider})"
        )
    hint = _suggestion(registry, name, prefix)
    return f"{subject} is not registered by any installed nncore plugin{hint}"


def _suggestion(registry: Registry, name: str, prefix: str = "nn") -> str:
    if name in PYTORCH_NAMES and prefix == "nn":
        torch_name = PYTORCH_NAMES[name]
        if torch_name is None:
            return f"; {name} is PyTorch's, and torch/nn has no equivalent"
        return f"; {name} is PyTorch's name: torch/nn's (and nncore's) is nn.{torch_name}"
    known = set(registry.by_name) | set(KNOWN_PROVIDERS)
    by_case = {n.lower(): n for n in known}
    if name.lower() in by_case:
        return f"; did you mean {prefix}.{by_case[name.lower()]}?"
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.75)
    return f"; did you mean {' or '.join(f'{prefix}.{n}' for n in close)}?" if close else ""


def python_name(lua_name: str) -> str:
    """Torch's camelCase name in nncore's snake_case: ``getParameters`` -> ``get_parameters``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", lua_name).lower()


def shared_names(registry: Registry) -> dict[str, tuple[str, list[str]]]:
    """For every short name several installed distributions register: what it means and who
    else has it.  ``{name: (meaning, others)}`` where ``meaning`` is the qualified name ``nn.X``
    gives, or ``"ambiguous"``; ``others`` are the shadowed (or ambiguous) qualified names."""
    shared = {}
    for name, candidates in registry.by_name.items():
        if len(candidates) < 2:
            continue
        qualified = sorted(e.qualified for e in candidates)
        try:
            chosen = resolve(registry, name).qualified
        except (AmbiguousNameError, UnknownNameError):
            shared[name] = ("ambiguous", qualified)
            continue
        shared[name] = (chosen, [q for q in qualified if q != chosen])
    return shared


def describe_shared(name: str, meaning: str, others: list[str]) -> str:
    """One line for ``nncore modules`` and ``nncore plugins``."""
    if meaning == "ambiguous":
        return f"{name}: ambiguous between {', '.join(others)} (use a qualified name or prefer one)"
    return f"{name}: nn.{name} is {meaning}; {', '.join(others)} shadowed (use its qualified name)"


def missing_attribute(instance: object, name: str) -> AttributeError:
    """The AttributeError for ``instance.name``, saying nncore's name where ``name`` is Torch's
    (``getParameters`` -> ``get_parameters``, ``gradInput`` -> ``grad_input``)."""
    cls = type(instance).__name__
    message = f"{cls!r} object has no attribute {name!r}"
    if name.startswith("__"):
        return AttributeError(message)
    python = python_name(name)
    try:
        own = object.__getattribute__(instance, "__dict__")
    except AttributeError:
        own = {}
    if python != name and (python in own or hasattr(type(instance), python)):
        return AttributeError(f"{message}: Torch's {name} is {python} in nncore")
    if name in ("cuda", "cl", "cudnn"):
        return AttributeError(f"{message}: nncore computes with numpy, on the CPU")
    return AttributeError(message)


class TorchName:
    """Torch's spelling of an nncore attribute, as a class attribute: reading it raises
    :func:`missing_attribute`'s error, which names nncore's spelling.

    Modules declare these instead of a ``__getattr__``: CPython before 3.12 does not specialise
    attribute reads on a class that defines one, which slowed every ``self.x`` of every layer
    (a third of a small layer's call).  An instance attribute of the same name still wins (this
    is a non-data descriptor).
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            owner_name = getattr(owner, "__name__", "?")
            raise AttributeError(f"type object {owner_name!r} has no attribute {self.name!r}")
        raise missing_attribute(instance, self.name)


def add_torch_names(cls: type, names: Iterable[str]) -> None:
    """Give ``cls`` a :class:`TorchName` for Torch's camelCase spelling of each snake_case name
    in ``names`` (``grad_input`` -> ``gradInput``) that no class of its MRO defines."""
    for name in names:
        head, *rest = name.split("_")
        lua = head + "".join(part[:1].upper() + part[1:] for part in rest)
        if (
            head
            and lua != name
            and python_name(lua) == name
            and not any(lua in vars(klass) for klass in cls.__mro__)
        ):
            setattr(cls, lua, TorchName(lua))


def field_names(cls: type) -> list[str]:
    """The names a class adds that Torch may spell in camelCase: its methods and class
    attributes, its constructor's arguments (which modules keep under the same names) and its
    declared arrays and their gradients."""
    names = [name for name in vars(cls) if not name.startswith("_")]
    code = getattr(cls.__dict__.get("__init__"), "__code__", None)
    if code is not None:
        names += code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
    for declared in ("parameter_names", "buffer_names"):
        arrays = cls.__dict__.get(declared, ())
        if isinstance(arrays, tuple):
            names += arrays
            if declared == "parameter_names":
                names += ["grad_" + name for name in arrays]
    return names
