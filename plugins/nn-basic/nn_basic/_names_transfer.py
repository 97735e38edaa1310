"""nn-basic's transfer: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "Tanh": "tanh",
}
