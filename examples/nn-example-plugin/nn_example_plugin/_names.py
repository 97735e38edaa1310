"""nn-example-plugin's classes: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "Swish": "swish",
    "Linear": "linear",
}
