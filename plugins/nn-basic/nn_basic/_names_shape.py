"""nn-basic's shape and reduction layers: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "Max": "max",
    "Mean": "mean",
    "Min": "min",
    "Reshape": "reshape",
    "Sum": "sum",
    "View": "view",
}
