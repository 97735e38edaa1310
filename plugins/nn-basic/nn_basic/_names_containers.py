"""nn-basic's containers: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "Sequential": "sequential",
}
