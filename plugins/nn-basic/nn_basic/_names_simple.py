"""nn-basic's simple: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "Identity": "identity",
    "Linear": "linear",
}
